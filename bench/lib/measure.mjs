// Runs one client as its own process under GNU time and reads back what it cost: wall
// seconds, CPU seconds (user + system) and peak RSS. Each client process does the whole job
// (connect, request, read every byte) and prints the byte count it received.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

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
  const stdoutLast = res.stdout.trim().split('\n').at(-1);
  return { wall, cpu: user + sys, rssMiB: maxKiB / 1024, bytes: Number(stdoutLast), stdoutLast };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs every variant `rounds` times, interleaved (A B C D A B C D …), and returns medians. */
export function interleaved(variants, rounds) {
  const runs = Object.fromEntries(variants.map((v) => [v.name, []]));
  const loads = [];
  for (let r = 0; r < rounds; r++) {
    loads.push(loadavg()[0]);
    for (const v of variants) runs[v.name].push(v.run());
  }
  loads.push(loadavg()[0]);
  const rows = variants.map((v) => {
    const rs = runs[v.name];
    return {
      name: v.name,
      wall: median(rs.map((x) => x.wall)),
      cpu: median(rs.map((x) => x.cpu)),
      cpuRange: [Math.min(...rs.map((x) => x.cpu)), Math.max(...rs.map((x) => x.cpu))],
      rssMiB: Math.max(...rs.map((x) => x.rssMiB)),
      rssMedian: median(rs.map((x) => x.rssMiB)),
      bytes: rs[0].bytes,
      runs: rs.length,
    };
  });
  rows.loads = loads;
  return rows;
}

/**
 * Prints a Markdown table with ratios: wall against `wallBase` (curl), CPU against each of
 * `cpuBases` (the floor, dockerode), peak RSS as the difference to `rssBase` (the floor).
 * Then the 1-minute load average sampled before each round and at the end.
 */
export function printTable(title, rows, { wallBase, cpuBases, rssBase }) {
  const find = (name) => rows.find((r) => r.name === name);
  const w = find(wallBase);
  const rb = find(rssBase);
  console.log(`\n${title}\n`);
  console.log(
    `| client | MB received | wall s (median) | MB/s | CPU s (user+sys, median) | CPU min..max | peak RSS MiB (max; median) | wall ÷ ${wallBase} | ${cpuBases.map((b) => `CPU ÷ ${b}`).join(' | ')} | RSS − ${rssBase} MiB |`,
  );
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|${cpuBases.map(() => '---:|').join('')}---:|`);
  for (const r of rows) {
    const mb = r.bytes / 1e6;
    const cpuRatios = cpuBases.map((b) => (r.cpu / find(b).cpu).toFixed(2)).join(' | ');
    console.log(
      `| ${r.name} | ${mb.toFixed(1)} | ${r.wall.toFixed(2)} | ${(mb / r.wall).toFixed(0)} | ${r.cpu.toFixed(2)} | ${r.cpuRange[0].toFixed(2)}..${r.cpuRange[1].toFixed(2)} | ${r.rssMiB.toFixed(1)}; ${r.rssMedian.toFixed(1)} | ${(r.wall / w.wall).toFixed(2)} | ${cpuRatios} | ${(r.rssMiB - rb.rssMiB).toFixed(1)} |`,
    );
  }
  if (rows.loads) console.log(`\nload average (1 min) before each round and at the end: ${rows.loads.map((l) => l.toFixed(1)).join(', ')}`);
}
