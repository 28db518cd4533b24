// A CI step: run a command in a container, stream its output live, fail on a non-zero exit.
//   npx tsx examples/ci-runner.ts 'echo building; exit 2'
import { ContainerError, Docker } from 'dockyard';

const docker = Docker.fromEnv();
const script = process.argv[2] ?? 'echo "running tests"; echo "1 passed" >&2';
try {
  const { exitCode } = await docker.run(process.env.DEMO_IMAGE ?? 'dockyard-test/busybox:latest', ['sh', '-c', script], {
    remove: true,
    stream: { stdout: process.stdout, stderr: process.stderr },
    signal: AbortSignal.timeout(60_000),
  });
  console.log(`step passed (exit ${exitCode})`);
} catch (err) {
  if (err instanceof ContainerError) {
    console.error(`step failed with exit code ${err.exitCode}`);
    process.exitCode = 1;
  } else throw err;
} finally {
  await docker.close();
}
