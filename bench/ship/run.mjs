#!/usr/bin/env node
// bench/ship: records/s and client CPU per record, shipping from a replay engine (recorded
// framed logs at memory speed over a unix socket) into FluentServer, with ack: dockyard's
// ship() side by side with @fluent-org/logger sending the same records (no engine reading at
// all); the engine's own fluentd driver sending the same number of lines into the same
// receiver, as a reference (records/s from the receiver's side: first to last record); then
// peak RSS of ship() following 200 containers.
// Usage: node bench/ship/run.mjs [runs, default 3]   (after `npm run build`)
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
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
    // A row without CPU figures: the engine's driver, measured from the receiver's side only.
    if (r.cpu === undefined) console.log(`| ${r.name} | ${r.records} | ${r.wall.toFixed(2)} | ${Math.round(r.records / r.wall)} | — | — | — |`);
    else console.log(`| ${r.name} | ${records} | ${r.wall.toFixed(2)} | ${Math.round(records / r.wall)} | ${r.cpu.toFixed(2)} | ${((r.cpu / records) * 1e6).toFixed(2)} | ${r.rssMiB.toFixed(1)} |`);
  }
  console.log(`\nload average (1 min) at the end: ${loadavg()[0].toFixed(1)}`);
}

const IMAGE = 'dockyard-test/busybox:latest';
/** The driver's records stop coming (the container or the engine failed): give up after this. */
const DRIVER_PATIENCE_MS = 300_000;

/**
 * The engine's own `fluentd` driver (never `fluentd-request-ack`: it crashes 20.10) sending
 * `lines` lines of ~100 bytes from a container into the same receiver: seconds from the
 * receiver's first record to its last, `runs` times, the median. The CPU is the engine's and
 * the container's, not measured here.
 */
async function driverReference(lines, runs) {
  const walls = [];
  for (let run = 0; run < runs; run++) {
    const tag = `bench.driver.${process.pid}.${run}`;
    const name = `dockyard-bench-fluentd-${process.pid}-${run}`;
    receiver.child.send({ count: { tag, n: lines } });
    const counted = new Promise((resolve) => {
      const on = (m) => {
        if (m?.counted?.tag === tag) {
          receiver.child.off('message', on);
          resolve(m.counted);
        }
      };
      receiver.child.on('message', on);
    });
    // Lines like the replay engine's: ~100 bytes each.
    const script = `BEGIN { for (n = 0; n < ${lines}; n++) printf "level=info msg=\\"request served\\" method=GET path=/api/v1/items status=200 duration_ms=%d container=0 seq=%d\\n", (n * 7919) % 1000, n }`;
    execFileSync('docker', ['run', '-d', '--name', name, '--label', 'dockyard.bench=ship', '--log-driver', 'fluentd', '--log-opt', `fluentd-address=127.0.0.1:${port}`, '--log-opt', 'fluentd-sub-second-precision=true', '--log-opt', `tag=${tag}`, IMAGE, 'awk', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    let timer;
    try {
      const result = await Promise.race([counted, new Promise((resolve) => (timer = setTimeout(resolve, DRIVER_PATIENCE_MS)))]);
      if (!result) {
        receiver.child.send({ progress: tag });
        const [m] = await once(receiver.child, 'message');
        throw new Error(`fluentd driver: ${m?.progress?.seen ?? '?'} of ${lines} records arrived in ${DRIVER_PATIENCE_MS / 1000} s`);
      }
      walls.push(result.seconds);
    } finally {
      clearTimeout(timer);
      execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    }
  }
  walls.sort((a, b) => a - b);
  return { name: "the engine's own fluentd driver (reference; receiver's first to last record)", records: lines, wall: walls[Math.floor(walls.length / 2)] };
}

async function scenario(title, containers, lines, variants) {
  const socket = join(tmpdir(), `dockyard-bench-ship-${process.pid}-${containers}.sock`);
  const engine = await start('replay-engine.mjs', [socket, String(containers), String(lines)]);
  const rows = interleaved(
    variants.filter((name) => name !== 'fluentd-driver').map((name) => ({
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
  if (variants.includes('fluentd-driver')) rows.push(await driverReference(containers * lines, RUNS));
  table(title, rows, containers * lines);
}

await scenario('1 container, 300 000 lines of ~100 bytes, ack on', 1, 300_000, ['dockyard', 'fluent-logger', 'fluentd-driver']);
await scenario('200 containers × 1 000 lines, ack on', 200, 1_000, ['dockyard']);
receiver.child.kill();
