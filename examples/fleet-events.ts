// Many engines as one: `npx tsx examples/fleet-events.ts` (after `npm run build`).
// A fleet of the same engine under two names, so it runs with one engine; give it real ones
// with `new Fleet({ a: Docker.fromEnv(), b: new Docker({ host: 'ssh://me@build-2' }) })` or
// `Fleet.fromContexts(['default', 'build-2'])`. DEMO_IMAGE picks the image.
import { Docker, Fleet } from 'dockyard';

const image = process.env.DEMO_IMAGE ?? 'dockyard-test/busybox:latest';
const fleet = new Fleet({ left: Docker.fromEnv(), right: Docker.fromEnv() });
const run = `fleet-demo-${process.pid}`;
const since = new Date(Date.now() - 1000);

// A short job with this run's label, on the engine both names point at.
const docker = fleet.engines.get('left') as Docker;
const job = await docker.containers.create({ Image: image, Cmd: ['sh', '-c', 'echo hello from the fleet'], Labels: { run } }, { name: run });
await job.start();
await job.wait();

const tagged = await fleet.containers.list({ all: true, filters: { label: [`run=${run}`] } });
console.log(`listed: ${tagged.map((c) => `${c.engine}:${c.Names?.[0]}`).join(' ')}`);

for await (const { engine, container, data } of fleet.logs({ filters: { label: [`run=${run}`] } })) {
  if (data) process.stdout.write(`${engine} ${container.name}: ${new TextDecoder().decode(data)}`);
}

// Events of every engine merged as they arrive, reconnecting by default; engine failures come as { engine, error }.
const dead = new Set<string>();
for await (const { engine, event, error } of fleet.events({ since, filters: { label: [`run=${run}`], type: ['container'] } })) {
  if (error) console.warn(`${engine} unreachable: ${error.message}`);
  else if (event.Type === 'dockyard') console.log(`${engine} reconnected: reconcile`);
  else console.log(`${engine} ${event.Type} ${event.Action}`);
  if (event?.Action === 'die') dead.add(engine);
  if (dead.size === fleet.engines.size) break; // closes every engine's socket
}
await job.remove({ force: true });
await fleet.close();
