import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY, TEST_IMAGE, type TestSwarm, leaveTestSwarm, testLabels, trackResources, uniqueName, useTestSwarm } from '@dockyard/testkit';
import { Docker, NotFoundError } from 'dockyard';
import { followAll, type LogRecord } from '../src/follow-all.js';

// followAll(manager, { services: true }) against a single-node swarm this file makes (and leaves).
const resources = trackResources();
const docker = new Docker();
const auth = { username: REGISTRY.username, password: REGISTRY.password };
const image = `${REGISTRY.address}/${uniqueName('ship-swarm')}:1`;
let swarm: TestSwarm | undefined;

beforeAll(async () => {
  swarm = await useTestSwarm();
  // Services pull from the registry, with credentials: the test image goes there first.
  await docker.images.get(TEST_IMAGE).tag({ repo: image.slice(0, image.lastIndexOf(':')), tag: '1' });
  resources.image(image);
  await docker.images.push(image, { auth }).done();
});
afterAll(async () => {
  await resources.cleanup();
  await leaveTestSwarm(swarm);
  await docker.close();
});

describe('followAll with services: true', () => {
  it("follows a service's tasks across the swarm: each record carries its service, task and node ids", async () => {
    const group = uniqueName('svcgroup');
    const svc = await docker.services.create(
      {
        Name: uniqueName('ship-svc'),
        Labels: { ...testLabels(), 'ship.group': group },
        TaskTemplate: { ContainerSpec: { Image: image, Command: ['sh', '-c', "echo svc-out; echo svc-err >&2; trap 'exit 0' TERM; sleep 3600 & wait"], StopGracePeriod: 1_000_000_000 }, RestartPolicy: { Condition: 'none' } },
        Mode: { Replicated: { Replicas: 2 } },
      },
      { auth },
    );
    resources.defer(() => svc.remove().catch((e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e))));
    const records: LogRecord[] = [];
    for await (const r of followAll(docker, { services: true, include: { label: [`ship.group=${group}`] } })) {
      records.push(r);
      if (records.length === 4) break;
    }
    const node = (await docker.info()).Swarm?.NodeID;
    expect(records.map((r) => [r.stream, r.log]).sort()).toEqual([['stderr', 'svc-err'], ['stderr', 'svc-err'], ['stdout', 'svc-out'], ['stdout', 'svc-out']]);
    expect(new Set(records.map((r) => r.service))).toEqual(new Set([svc.id]));
    expect(new Set(records.map((r) => r.task)).size).toBe(2);
    expect(records.every((r) => r.node === node && r.container.labels['ship.group'] === group && /^\d{4}-.*Z$/.test(r.time))).toBe(true);
  });
});
