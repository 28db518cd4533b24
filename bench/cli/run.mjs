#!/usr/bin/env node
// bench/cli: how fast `dockyard --version` starts, against Node starting and importing undici
// (the yardstick: under 1.5× that) and a bare `node -e ''`. Each is its own process,
// spawned the same way, interleaved A B C D A B C D…; the table gives median wall times.
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

/** Milliseconds from spawn to exit of one run; throws if it fails. */
function timeOnce(args) {
  const start = process.hrtime.bigint();
  const res = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`node ${args.join(' ')} failed (${res.status}):\n${res.stderr}`);
  return ms;
}

for (const v of variants) timeOnce(v.args); // warm the file cache
const runs = Object.fromEntries(variants.map((v) => [v.name, []]));
for (let r = 0; r < ROUNDS; r++) for (const v of variants) runs[v.name].push(timeOnce(v.args));

const base = median(runs['node + import undici']);
console.log(`cli start-up: ${ROUNDS} runs each, interleaved, Node ${process.version}\n`);
console.log('| command | median ms | min..max ms | vs node + import undici |');
console.log('|---|---:|---:|---:|');
for (const v of variants) {
  const xs = runs[v.name];
  console.log(`| ${v.name} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)}..${Math.max(...xs).toFixed(1)} | ${(median(xs) / base).toFixed(2)}× |`);
}
const ratio = median(runs['dockyard --version']) / base;
console.log(`\ndockyard --version: ${ratio.toFixed(2)}× node + import undici (target: under 1.5×) — ${ratio < 1.5 ? 'met' : 'NOT met'}`);
