#!/usr/bin/env node
// bench/import: what `import('dockyard')` costs against `import('undici')` (the one dependency
// every call needs) and bare node. Each import is its own process under GNU time (whole-process
// CPU and peak RSS, start-up included); rounds interleave the variants (A B C A B C …).
//   node bench/import/run.mjs [rounds]
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { measure, median } from '../lib/measure.mjs';

const ROUNDS = Number(process.argv[2] ?? 9);
const load = fileURLToPath(new URL('./load.mjs', import.meta.url));
const variants = ['node', 'undici', 'dockyard'];
const runs = Object.fromEntries(variants.map((v) => [v, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const v of variants) {
    const m = measure(process.execPath, [load, v]);
    runs[v].push({ cpu: m.cpu, rssMiB: m.rssMiB, importMs: m.bytes });
  }
}
const rows = variants.map((v) => ({
  name: v,
  cpu: median(runs[v].map((x) => x.cpu)),
  rssMiB: median(runs[v].map((x) => x.rssMiB)),
  importMs: median(runs[v].map((x) => x.importMs)),
}));
const base = rows.find((r) => r.name === 'undici');
console.log(`\nimport cost (${ROUNDS} rounds each, interleaved; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
console.log('| import | process CPU s (median) | peak RSS MiB (median) | CPU of the import alone, ms (median) | CPU ÷ undici | RSS ÷ undici |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name === 'node' ? 'nothing (bare node)' : `import('${r.name}')`} | ${r.cpu.toFixed(3)} | ${r.rssMiB.toFixed(1)} | ${r.importMs.toFixed(0)} | ${(r.cpu / base.cpu).toFixed(2)} | ${(r.rssMiB / base.rssMiB).toFixed(2)} |`);
}
