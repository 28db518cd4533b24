// README's quick start, runnable: `npx tsx examples/quick-start.ts` (after `npm run build`).
// DEMO_IMAGE picks the image (default: the test image the engine script builds).
import { Docker } from 'dockyard';

const image = process.env.DEMO_IMAGE ?? 'dockyard-test/busybox:latest';
const docker = Docker.fromEnv();
const c = await docker.containers.create({ Image: image, Cmd: ['sh', '-c', 'echo hi; sleep 2; echo bye >&2'] }, { name: `job-1-${process.pid}` });
await c.start();
const { exitCode, stdout } = await c.exec(['ls', '/']).output(); // while it runs
for await (const { stream, data } of c.logs({ follow: true })) {
  process.stdout.write(`${stream}: ${new TextDecoder().decode(data)}`); // ends when the container exits
}
await c.remove({ force: true });
console.log(`exec exit ${exitCode}; / holds ${stdout.trim().split('\n').join(' ')}`);
await docker.close();
