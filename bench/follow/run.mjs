#!/usr/bin/env node
// bench/follow: 1 000 concurrent followed logs (20 chatty containers × 50 streams each) held
// open for HOLD seconds in one client process, then ended by one abort(). Reports the client's
// peak RSS (GNU time, and sampled in-process), CPU, and how long after abort() every loop ended.
//   node bench/follow/run.mjs [containers] [per] [hold seconds]
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { Docker } from 'dockyard';
import { measure } from '../lib/measure.mjs';

const N = Number(process.argv[2] ?? 20);
const PER = Number(process.argv[3] ?? 50);
const HOLD = Number(process.argv[4] ?? 30);
const client = fileURLToPath(new URL('./client.mjs', import.meta.url));
const docker = new Docker({ apiVersion: '1.41' });
const containers = [];
try {
  for (let i = 0; i < N; i++) {
    // Chatty: a ~100-byte line every 50 ms, half on stderr.
    const c = await docker.containers.create({
      Image: 'dockyard-test/busybox:latest',
      Cmd: ['sh', '-c', "trap 'exit 0' TERM; i=0; while true; do echo \"$i chatty line of a followed log, padded to about one hundred bytes......\"; echo err $i >&2; i=$((i+1)); sleep 0.05; done"],
      Labels: { 'dockyard.bench': '1' },
    });
    containers.push(c);
    await c.start();
  }
  const before = loadavg()[0];
  const m = measure(process.execPath, [client], { env: { CONTAINERS: containers.map((c) => c.id).join(','), PER: String(PER), HOLD: String(HOLD) } });
  const out = JSON.parse(m.stdoutLast);
  console.log(`\nfollow: ${N} containers × ${PER} streams = ${N * PER} followed logs held ${HOLD} s, then one abort()\n`);
  console.log('| streams | with data | ended by the abort (AbortError) | all ended after abort() | peak RSS MiB (GNU time) | CPU s (whole process) | CPU % of a core over the hold | load average (1 min) before, after |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---|');
  console.log(
    `| ${out.streams} | ${out.withData} | ${out.endedByAbort} | ${out.allEndedMs} ms | ${m.rssMiB.toFixed(1)} | ${m.cpu.toFixed(2)} | ${((m.cpu / m.wall) * 100).toFixed(0)}% | ${before.toFixed(1)}, ${loadavg()[0].toFixed(1)} |`,
  );
  if (out.otherErrors.length) console.log(`\nother errors: ${out.otherErrors.join('; ')}`);
} finally {
  for (const c of containers) await c.remove({ force: true });
  await docker.close();
}
