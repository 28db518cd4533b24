#!/usr/bin/env node
// bench/cli: how fast `dockyard --version` starts, against Node starting and importing undici
// (the yardstick: under 1.5× that) and a bare `node -e ''`. Each is its own process,
// spawned the same way under GNU time, interleaved A B C D A B C D…; the table gives the median
// wall time (spawn to exit) and the median CPU time (user + system, 10 ms resolution).
//   node bench/cli/run.mjs [rounds]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/measure.mjs';

const ROUNDS = Number(process.argv[2] ?? 20);
const bin = fileURLToPath(new URL('../../packages/cli/bin/dockyard.js', import.meta.url));
const undici = fileURLToPath(new URL('./import-undici.mjs', import.meta.url));

const variants = [
  { name: 'node -e ""', args: ['-e', ''] },
  { name: 'node + import undici', args: [undici] },
  { name: 'dockyard --version', args: [bin, '--version'] },
  { name: 'dockyard --help', args: [bin, '--help'] },
];

/** One run: wall ms from spawn to exit, and CPU ms as GNU time counts it; throws if it fails. */
function timeOnce(args) {
  const start = process.hrtime.bigint();
  const res = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...args], { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const line = res.stderr.split('\n').find((l) => l.startsWith('CPU '));
  if (res.status !== 0 || !line) throw new Error(`node ${args.join(' ')} failed (${res.status}):\n${res.stderr}`);
  const [user, sys] = line.slice(4).split(' ').map(Number);
  return { wall, cpu: (user + sys) * 1000 };
}

for (const v of variants) timeOnce(v.args); // warm the file cache
const runs = Object.fromEntries(variants.map((v) => [v.name, []]));
for (let r = 0; r < ROUNDS; r++) for (const v of variants) runs[v.name].push(timeOnce(v.args));

const wall = (name) => median(runs[name].map((x) => x.wall));
const cpu = (name) => median(runs[name].map((x) => x.cpu));
const base = 'node + import undici';
console.log(`cli start-up: ${ROUNDS} runs each, interleaved, Node ${process.version}\n`);
console.log('| command | wall ms (median) | min..max | wall vs node + undici | CPU ms (median) | CPU vs node + undici |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const v of variants) {
  const walls = runs[v.name].map((x) => x.wall);
  console.log(
    `| ${v.name} | ${wall(v.name).toFixed(1)} | ${Math.min(...walls).toFixed(0)}..${Math.max(...walls).toFixed(0)} | ` +
      `${(wall(v.name) / wall(base)).toFixed(2)}× | ${cpu(v.name).toFixed(0)} | ${(cpu(v.name) / cpu(base)).toFixed(2)}× |`,
  );
}
const ratio = wall('dockyard --version') / wall(base);
console.log(`\ndockyard --version: ${ratio.toFixed(2)}× the wall time of node + import undici (target: under 1.5×): ${ratio < 1.5 ? 'met' : 'NOT met'}`);
