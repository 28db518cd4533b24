#!/usr/bin/env node
// bench/demux: the same recorded multiplexed stream, replayed over a local unix socket at
// memory speed, through (a) a plain byte count (the limit), (b) @dockyard/stream's
// demuxFrames, (c) dockerode's modem.demuxStream into counting Writables.
// Usage: node bench/demux/run.mjs [runs, default 7]   (after `npm run build`)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { demuxFrames } from '@dockyard/stream';
import Modem from 'docker-modem';
import { CASES } from './recording.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const socketPath = join(tmpdir(), `dockyard-bench-demux-${process.pid}.sock`);
const modem = new Modem({ socketPath: '/dev/null' });

async function open(name) {
  const socket = connect(socketPath);
  await once(socket, 'connect');
  socket.write(`${name}\n`);
  return socket;
}

const paths = {
  async 'plain byte count'(name) {
    const socket = await open(name);
    let total = 0;
    for await (const chunk of socket) total += chunk.length;
    return { wire: total };
  },
  async demuxFrames(name) {
    const socket = await open(name);
    let stdout = 0;
    let stderr = 0;
    for await (const { stream, data } of demuxFrames(socket)) {
      if (stream === 'stdout') stdout += data.length;
      else stderr += data.length;
    }
    return { stdout, stderr };
  },
  async 'dockerode demuxStream'(name) {
    const socket = await open(name);
    const counter = () => {
      const sink = new Writable({
        write(chunk, _encoding, callback) {
          sink.count += chunk.length;
          callback();
        },
      });
      sink.count = 0;
      return sink;
    };
    const stdout = counter();
    const stderr = counter();
    modem.demuxStream(socket, stdout, stderr);
    await once(socket, 'close');
    return { stdout: stdout.count, stderr: stderr.count };
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = fork(new URL('./server.mjs', import.meta.url), [socketPath], { stdio: 'inherit' });
await once(server, 'message');
const rows = [];
try {
  for (const [name, c] of Object.entries(CASES)) {
    const rec = c.build();
    const wire = rec.data.length * c.repeats;
    const expected = { stdout: rec.payload.stdout * c.repeats, stderr: rec.payload.stderr * c.repeats };
    const wall = Object.fromEntries(Object.keys(paths).map((p) => [p, []]));
    const cpu = Object.fromEntries(Object.keys(paths).map((p) => [p, []]));
    const order = Object.entries(paths);
    for (let run = 0; run <= RUNS; run++) {
      // Interleaved, so a noisy moment on the shared machine hits every path alike, and the
      // order rotated each run, so no path always follows another's garbage; run 0 warms up.
      for (const [path, measure] of [...order.slice(run % 3), ...order.slice(0, run % 3)]) {
        const start = process.hrtime.bigint();
        const startCpu = process.cpuUsage();
        const got = await measure(name);
        const used = process.cpuUsage(startCpu);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const ok = 'wire' in got ? got.wire === wire : got.stdout === expected.stdout && got.stderr === expected.stderr;
        if (!ok) throw new Error(`${path} on ${name}: counted ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
        if (run === 0) continue;
        wall[path].push(wire / 1e6 / seconds);
        cpu[path].push(wire / 1e6 / ((used.user + used.system) / 1e6));
      }
    }
    const pick = (table) => Object.keys(paths).map((p) => median(table[p]));
    rows.push({ case: c.title, wire, frames: rec.frames * c.repeats, wall: pick(wall), cpu: pick(cpu) });
  }
} finally {
  server.kill();
}

const fmt = (x) => `${x.toFixed(0)} MB/s`;
const ratios = ([a, b, c]) => `${((100 * b) / a).toFixed(0)}% | ${(b / c).toFixed(1)}×`;
console.log(
  `Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at the end; ` +
    `median of ${RUNS} runs per path; MB = 10^6 bytes of the stream as sent (headers included).\n` +
    'wall: bytes / elapsed time. cpu: bytes / CPU time (user + system) of the reading process, ' +
    'which other load on the machine disturbs less.\n',
);
console.log('| case | stream | clock | (a) plain byte count | (b) demuxFrames | (c) dockerode demuxStream | b / a | b / c |');
console.log('|---|---|---|--:|--:|--:|--:|--:|');
for (const r of rows) {
  const stream = `${(r.wire / 1e6).toFixed(0)} MB, ${r.frames.toLocaleString('en')} frames`;
  console.log(`| ${r.case} | ${stream} | wall | ${r.wall.map(fmt).join(' | ')} | ${ratios(r.wall)} |`);
  console.log(`| | | cpu | ${r.cpu.map(fmt).join(' | ')} | ${ratios(r.cpu)} |`);
}
