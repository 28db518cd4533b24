#!/usr/bin/env node
// bench/ship: records/s and client CPU per record, shipping from a replay engine (recorded
// framed logs at memory speed over a unix socket) into FluentServer, with ack: dockyard's
// ship() side by side with @fluent-org/logger sending the same records (no engine reading at
// all); then peak RSS of ship() following 200 containers.
// Usage: node bench/ship/run.mjs [runs, default 3]   (after `npm run build`)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleaved, measure } from '../lib/measure.mjs';

const here = new URL('.', import.meta.url).pathname;
const RUNS = Number(process.argv[2] ?? 3);

async function start(script, args) {
  const child = fork(join(here, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = await once(child, 'message');
  return { child, message };
}

const receiver = await start('receiver.mjs', []);
const port = receiver.message.port;

function table(title, rows, records) {
  console.log(`\n${title}\n`);
  console.log('| client | records | wall s (median) | records/s | CPU s (user+sys) | CPU µs / record | peak RSS MiB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${records} | ${r.wall.toFixed(2)} | ${Math.round(records / r.wall)} | ${r.cpu.toFixed(2)} | ${((r.cpu / records) * 1e6).toFixed(2)} | ${r.rssMiB.toFixed(1)} |`);
  }
}

async function scenario(title, containers, lines, variants) {
  const socket = join(tmpdir(), `dockyard-bench-ship-${process.pid}-${containers}.sock`);
  const engine = await start('replay-engine.mjs', [socket, String(containers), String(lines)]);
  const rows = interleaved(
    variants.map((name) => ({
      name: name === 'dockyard' ? 'dockyard ship() (reads the engine too)' : '@fluent-org/logger (records in memory)',
      run: () => {
        const r = measure(process.execPath, [join(here, 'client.mjs'), name, socket, String(port), String(containers), String(lines)]);
        if (r.bytes !== containers * lines) throw new Error(`${name}: ${r.bytes} of ${containers * lines} records acked`);
        return r;
      },
    })),
    RUNS,
  );
  engine.child.kill();
  table(title, rows, containers * lines);
}

await scenario('1 container, 300 000 lines of ~100 bytes, ack on', 1, 300_000, ['dockyard', 'fluent-logger']);
await scenario('200 containers × 1 000 lines, ack on', 200, 1_000, ['dockyard']);
receiver.child.kill();
