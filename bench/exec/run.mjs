#!/usr/bin/env node
// bench/exec: 200 MB out of a container through an exec, by curl, the floor (bench/floor), dockyard and dockerode, each
// in its own process, interleaved A B C A B C…; wall time, CPU time and peak RSS per client.
//   node bench/exec/run.mjs [MB] [rounds]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Docker } from 'dockyard';
import { interleaved, measure, printTable } from '../lib/measure.mjs';

const MB = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 3);
const BYTES = String(MB * 1024 * 1024);
const SOCKET = '/var/run/docker.sock';
const client = fileURLToPath(new URL('./client.mjs', import.meta.url));
const floor = fileURLToPath(new URL('../floor/client.mjs', import.meta.url));

const docker = new Docker({ apiVersion: '1.41' });
const c = await docker.containers.create({ Image: 'dockyard-test/busybox:latest', Cmd: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"], Labels: { 'dockyard.bench': '1' } });
try {
  await c.start();
  const env = { CONTAINER: c.id, BYTES };
  /** curl: create the exec (untimed), then time `POST /exec/{id}/start` read to the end, raw. */
  const curl = () => {
    const created = execFileSync('curl', ['-s', '--unix-socket', SOCKET, '-H', 'Content-Type: application/json', '-d',
      JSON.stringify({ Cmd: ['head', '-c', BYTES, '/dev/zero'], AttachStdout: true, AttachStderr: true }),
      `http://docker/v1.41/containers/${c.id}/exec`], { encoding: 'utf8' });
    const { Id } = JSON.parse(created);
    const r = measure('sh', ['-c', `curl -s --unix-socket ${SOCKET} -H 'Content-Type: application/json' -d '{"Detach":false,"Tty":false}' http://docker/v1.41/exec/${Id}/start | wc -c`]);
    return r;
  };
  const rows = interleaved(
    [
      { name: 'curl', run: curl },
      { name: 'floor', run: () => measure(process.execPath, [floor, 'exec'], { env }) },
      { name: 'dockyard', run: () => measure(process.execPath, [client, 'dockyard'], { env }) },
      { name: 'dockerode', run: () => measure(process.execPath, [client, 'dockerode'], { env }) },
    ],
    ROUNDS,
  );
  printTable(`exec: ${MB} MiB of stdout (${ROUNDS} rounds each, interleaved; curl and the floor count the framed bytes raw)`, rows, { wallBase: 'curl', cpuBases: ['floor', 'dockerode'], rssBase: 'floor' });
} finally {
  await c.remove({ force: true });
  await docker.close();
}
