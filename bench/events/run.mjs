#!/usr/bin/env node
// bench/events: how fast docker.events() decodes engine events, from a replay server (its own
// process, bench/events/server.mjs) on a unix socket. Each round is a fresh client process;
// events/s = count / wall time of the read (module loading excluded), and per CPU second.
//   node bench/events/run.mjs [events] [rounds]
import { execFileSync, fork } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/measure.mjs';

// The server writes whole batches of 256 events.
const COUNT = Math.ceil(Number(process.argv[2] ?? 1_000_000) / 256) * 256;
const ROUNDS = Number(process.argv[3] ?? 3);
const socketPath = join(tmpdir(), `dockyard-bench-events-${process.pid}.sock`);
const server = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [socketPath, String(COUNT)]);
await new Promise((resolve) => server.once('message', resolve));
const client = fileURLToPath(new URL('./client.mjs', import.meta.url));
const runs = [];
const loads = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    loads.push(loadavg()[0]);
    const out = JSON.parse(execFileSync(process.execPath, [client, socketPath], { encoding: 'utf8' }).trim().split('\n').at(-1));
    if (out.count !== COUNT) throw new Error(`got ${out.count} events, sent ${COUNT}`);
    runs.push(out);
  }
} finally {
  server.disconnect();
}
const perWall = median(runs.map((r) => r.count / (r.wallMs / 1000)));
const perCpu = median(runs.map((r) => r.count / (r.cpuMs / 1000)));
console.log(`\nevents: ${COUNT} container events (~420 bytes of JSON each) per round, ${ROUNDS} rounds\n`);
console.log('| events/s (wall, median) | events/s per CPU second (median) | min..max events/s (wall) | target |');
console.log('|---:|---:|---:|---|');
const walls = runs.map((r) => r.count / (r.wallMs / 1000));
console.log(`| ${Math.round(perWall)} | ${Math.round(perCpu)} | ${Math.round(Math.min(...walls))}..${Math.round(Math.max(...walls))} | ≥ 200 000 |`);
console.log(`\nload average (1 min) before each round: ${loads.map((l) => l.toFixed(1)).join(', ')}`);
