// README's quick start, runnable: `npx tsx examples/quick-start.ts` (after `npm run build`).
import { Docker } from 'dockyard';

const docker = Docker.fromEnv();
const c = await docker.containers.create({ Image: process.env.DEMO_IMAGE ?? 'dockyard-test/busybox:latest', Cmd: ['sh', '-c', 'echo hi'] });
await c.start();
for await (const { stream, data } of c.logs({ follow: true })) {
  process.stdout.write(`${stream}: ${new TextDecoder().decode(data)}`);
}
const { exitCode, stdout } = await c.exec(['ls', '/']).output().catch(() => ({ exitCode: -1, stdout: '(container already exited)' }));
console.log(exitCode, stdout.trim().split('\n').length, 'entries in /');
await c.remove({ force: true });
await docker.close();
