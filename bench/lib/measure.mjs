// Runs one client as its own process under GNU time and reads back what it cost: wall
// seconds, CPU seconds (user + system) and peak RSS. Each client process does the whole job
// (connect, request, read every byte) and prints the byte count it received.
import { spawnSync } from 'node:child_process';

/** @returns {{ wall: number, cpu: number, rssMiB: number, bytes: number }} */
export function measure(cmd, args, { env } = {}) {
  const res = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = res.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (res.status !== 0 || !line) throw new Error(`${cmd} ${args.join(' ')} failed (${res.status}):\n${res.stderr}`);
  const [wall, user, sys, maxKiB] = line.slice(5).split(' ').map(Number);
  return { wall, cpu: user + sys, rssMiB: maxKiB / 1024, bytes: Number(res.stdout.trim().split('\n').at(-1)) };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs every variant `rounds` times, interleaved (A B C A B C …), and returns medians. */
export function interleaved(variants, rounds) {
  const runs = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) runs[v.name].push(v.run());
  }
  return variants.map((v) => {
    const rs = runs[v.name];
    return {
      name: v.name,
      wall: median(rs.map((x) => x.wall)),
      cpu: median(rs.map((x) => x.cpu)),
      rssMiB: Math.max(...rs.map((x) => x.rssMiB)),
      bytes: rs[0].bytes,
      runs: rs.length,
    };
  });
}

/** Prints a Markdown table with ratios against `base` (wall) and `cpuBase` (CPU). */
export function printTable(title, rows, { base, cpuBase }) {
  const b = rows.find((r) => r.name === base);
  const c = rows.find((r) => r.name === cpuBase);
  console.log(`\n${title}\n`);
  console.log(`| client | MB received | wall s (median) | MB/s | CPU s (user+sys) | peak RSS MiB | wall ÷ ${base} | CPU ÷ ${cpuBase} |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const mb = r.bytes / 1e6;
    console.log(
      `| ${r.name} | ${mb.toFixed(1)} | ${r.wall.toFixed(2)} | ${(mb / r.wall).toFixed(0)} | ${r.cpu.toFixed(2)} | ${r.rssMiB.toFixed(1)} | ${(r.wall / b.wall).toFixed(2)} | ${(r.cpu / c.cpu).toFixed(2)} |`,
    );
  }
}
