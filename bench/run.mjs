#!/usr/bin/env node
// Runs every benchmark in bench/*/run.mjs one after the other, each as its own plain node
// process (never inside a test runner: its async hooks would skew the figures).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const only = process.argv.slice(2);
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'run.mjs')))
  .map((d) => d.name)
  .filter((n) => only.length === 0 || only.includes(n));
let failed = 0;
for (const name of names) {
  console.log(`\n## bench/${name}\n`);
  const res = spawnSync(process.execPath, [join(here, name, 'run.mjs')], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
