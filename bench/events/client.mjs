// Reads every event from the replay server at unix socket argv[2] through dockyard's
// docker.events(); prints the count and the CPU ms and wall ms of the read.
import { performance } from 'node:perf_hooks';

const { Docker } = await import('dockyard');
const docker = new Docker({ host: `unix://${process.argv[2]}`, apiVersion: '1.41' });
const started = performance.now();
const cpu = process.cpuUsage();
let count = 0;
let last = 0;
for await (const ev of docker.events()) {
  count++;
  last = ev.timeNano ?? last;
}
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ count, last, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }));
await docker.close();
