#!/usr/bin/env node
// bench/logs: the log of an exited container (MB of 200-byte lines, half stdout, half stderr)
// read by curl, the floor (bench/floor), dockyard and dockerode, each in its own process, interleaved A B C A B C…
//   node bench/logs/run.mjs [MB] [rounds]
import { fileURLToPath } from 'node:url';
import { Docker } from 'dockyard';
import { interleaved, measure, printTable } from '../lib/measure.mjs';

const MB = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 3);
const half = Math.round((MB * 1024 * 1024) / 2);
const client = fileURLToPath(new URL('./client.mjs', import.meta.url));
const floor = fileURLToPath(new URL('../floor/client.mjs', import.meta.url));
const line = 'x'.repeat(199);

const docker = new Docker({ apiVersion: '1.41' });
const c = await docker.containers.create({
  Image: 'dockyard-test/busybox:latest',
  Cmd: ['sh', '-c', `yes ${line} | head -c ${half} & yes ${line} | head -c ${half} >&2; wait`],
  Labels: { 'dockyard.bench': '1' },
});
try {
  await c.start();
  await c.wait();
  const env = { CONTAINER: c.id };
  const rows = interleaved(
    [
      {
        name: 'curl',
        run: () => measure('sh', ['-c', `curl -s --unix-socket /var/run/docker.sock 'http://docker/v1.41/containers/${c.id}/logs?stdout=1&stderr=1' | wc -c`]),
      },
      { name: 'floor', run: () => measure(process.execPath, [floor, 'logs'], { env }) },
      { name: 'dockyard', run: () => measure(process.execPath, [client, 'dockyard'], { env }) },
      { name: 'dockerode', run: () => measure(process.execPath, [client, 'dockerode'], { env }) },
    ],
    ROUNDS,
  );
  printTable(`logs: ${MB} MiB of an exited container's log, 200-byte lines (${ROUNDS} rounds each, interleaved; curl and the floor count the framed bytes raw)`, rows, {
    wallBase: 'curl',
    cpuBases: ['floor', 'dockerode'],
    rssBase: 'floor',
  });
} finally {
  await c.remove({ force: true });
  await docker.close();
}
