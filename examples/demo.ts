// The main job, end to end: run a container that counts on stdout and stderr, follow its logs
// with `for await`, talk to it through an exec with stdin, show the events it caused, clean up.
//
//   npm run demo     (starts a local engine first when none runs)
import { Docker } from 'dockyard';

const IMAGE = process.env.DEMO_IMAGE ?? 'dockyard-test/busybox:latest';
const docker = Docker.fromEnv();
const since = new Date();

console.log(`engine ${(await docker.version()).Version}, API ${docker.apiVersion}`);

const c = await docker.containers.create(
  {
    Image: IMAGE,
    Cmd: ['sh', '-c', "trap 'echo bye; exit 0' TERM; for i in 1 2 3 4 5; do echo \"count $i\"; echo \"warn $i\" >&2; sleep 0.2; done; sleep 60 & wait"],
    Labels: { 'dockyard.demo': '1' },
  },
  { name: `dockyard-demo-${process.pid}` },
);
try {
  await c.start();

  console.log('\n-- following logs (stream tag, then the line) --');
  for await (const line of c.logs({ follow: true }).lines()) {
    console.log(`  [${line.stream}] ${line.text}`);
    if (line.text === 'warn 5') break; // closes the log socket at once
  }

  console.log('\n-- exec with stdin: `tr a-z A-Z` --');
  const proc = c.exec(['tr', 'a-z', 'A-Z'], { stdin: true });
  await proc.stdin.write('hello from dockyard\n');
  await proc.stdin.end();
  for await (const { stream, data } of proc) process.stdout.write(`  [${stream}] ${new TextDecoder().decode(data)}`);
  console.log(`  exit code ${(await proc.wait()).exitCode}`);

  const { stdout } = await c.exec(['ls', '/']).output();
  console.log(`  ls / → ${stdout.trim().split('\n').join(' ')}`);

  await c.stop({ timeout: 5 });
  console.log(`\n-- the container said: ${JSON.stringify((await c.logs({ tail: 1 }).text()).trim())} --`);
} finally {
  await c.remove({ force: true });
}

console.log('\n-- events this demo caused --');
for await (const ev of docker.events({ since, until: new Date(), filters: { container: [c.id] } })) {
  console.log(`  ${new Date((ev.time ?? 0) * 1000).toISOString()} ${ev.Type} ${ev.Action}`);
}

const { stdout: hi } = await docker.run(IMAGE, ['echo', 'docker.run works too'], { remove: true });
console.log(`\n${hi.trim()}`);
await docker.close();
