// Swarm mode: create a service, watch it converge, follow its logs, clean up.
//
//   npx tsx examples/swarm.ts      (makes the engine a single-node swarm if it is none, and leaves it after)
import { Docker } from 'dockyard';

const IMAGE = process.env.DEMO_IMAGE ?? 'busybox:latest';
const docker = Docker.fromEnv();

const made = (await docker.info()).Swarm?.LocalNodeState !== 'active';
if (made) await docker.swarm.init({ AdvertiseAddr: '127.0.0.1', ListenAddr: '127.0.0.1:2377' });

const svc = await docker.services.create({
  Name: `dockyard-example-${process.pid}`,
  TaskTemplate: {
    ContainerSpec: {
      Image: IMAGE,
      Command: ['sh', '-c', "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo \"tick $i\"; echo \"warn $i\" >&2; sleep 0.2; done"],
    },
  },
  Mode: { Replicated: { Replicas: 2 } },
});
try {
  // What `docker service create` shows while it waits; throws if a task fails.
  for await (const { running, desired, tasks } of svc.converge()) {
    console.log(`converging: ${running}/${desired} running (${tasks.map((t) => t.Status?.State).join(', ')})`);
  }
  console.log('converged');

  // The same LogStream as a container's: both replicas' lines, each with its stream.
  let seen = 0;
  for await (const line of svc.logs({ follow: true }).lines()) {
    console.log(`[${line.stream}] ${line.text}`);
    if (++seen === 6) break; // closes the log socket at once
  }
} finally {
  await svc.remove();
  if (made) await docker.swarm.leave({ force: true });
  await docker.close();
}
