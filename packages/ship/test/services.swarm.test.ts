import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY, TEST_IMAGE, type TestSwarm, leaveTestSwarm, testLabels, trackResources, uniqueName, useTestSwarm } from '@dockyard/testkit';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker, NotFoundError } from 'dockyard';
import { followAll, type LogRecord } from '../src/follow-all.js';
import { forward } from '../src/forward.js';
import { ship } from '../src/ship.js';
import { Receiver } from './support/receiver.js';
import { cliLogs } from './support/engine.js';
import { EventTime } from '../src/event-time.js';

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

  it('ship({ services: true }) checkpoints each task by its ID and resumes each from there: only the lines written while it was stopped arrive, and all of a task started meanwhile', async () => {
    const group = uniqueName('svcship');
    const svc = await docker.services.create(
      {
        Name: uniqueName('ship-svc'),
        Labels: { ...testLabels(), 'ship.group': group },
        TaskTemplate: {
          ContainerSpec: { Image: image, Command: ['sh', '-c', 'i=0; while [ $i -lt 50 ]; do echo "one $(hostname) $i"; i=$((i+1)); done; trap \'exit 0\' TERM; sleep 3600 & wait'], StopGracePeriod: 1_000_000_000 },
          RestartPolicy: { Condition: 'none' },
        },
        Mode: { Replicated: { Replicas: 2 } },
      },
      { auth },
    );
    resources.defer(() => svc.remove().catch((e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e))));
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'ship-svc-')), 'checkpoint.json');
    const shipOnce = async (receiver: Receiver, count: number) => {
      const abort = new AbortController();
      const shipper = ship({ source: docker, services: true, include: { label: [`ship.group=${group}`] }, to: forward({ port: receiver.port, ack: true }), checkpoint, signal: abort.signal });
      await receiver.waitFor(count);
      let reads: Array<[string | undefined, string, number]> = [];
      for await (const status of shipper.status({ intervalMs: 10 })) {
        if (status.containers.reduce((n, c) => n + c.acked, 0) >= count) {
          reads = status.containers.map((c) => [c.service, c.id, c.read]);
          break;
        }
      }
      abort.abort();
      await shipper.done();
      return reads;
    };

    const first = await new Receiver().start();
    resources.defer(() => first.stop());
    const firstReads = await shipOnce(first, 100);
    const tasks = await docker.tasks.list({ filters: { service: [svc.id] } });
    const taskIds = tasks.map((t) => t.ID as string).sort();
    expect(firstReads.map(([, id]) => id).sort()).toEqual(taskIds);
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { containers: object; tasks: Record<string, { time: string; count: number }> };
    expect(Object.keys(saved.tasks).sort()).toEqual(taskIds);
    expect(saved.containers).toEqual({});
    const node = (await docker.info()).Swarm?.NodeID;
    for (const e of first.entries) expect(e.record).toMatchObject({ container_id: svc.id, container_name: `/${(await svc.inspect()).Spec?.Name}`, node_id: node, task_id: expect.stringMatching(new RegExp(`^(${taskIds.join('|')})$`)) });
    expect(first.logs().filter((l) => l.startsWith('one ')).length).toBe(100);

    // Ten more lines in each task's container while nobody ships.
    for (const t of tasks) {
      const c = docker.containers.get(t.Status?.ContainerStatus?.ContainerID as string);
      expect(await c.exec(['sh', '-c', 'i=0; while [ $i -lt 10 ]; do echo "two $(hostname) $i" > /proc/1/fd/1; i=$((i+1)); done']).wait()).toEqual({ exitCode: 0 });
    }
    // And a third task, with no checkpoint entry: its 50 lines are older than the others' positions
    // could be, and all of them must arrive.
    const current = await svc.inspect();
    await svc.update({ ...current.Spec, Mode: { Replicated: { Replicas: 3 } } }, { version: current.Version?.Index as number });
    const second = await new Receiver().start();
    resources.defer(() => second.stop());
    const secondReads = await shipOnce(second, 70);
    const third = (await docker.tasks.list({ filters: { service: [svc.id] } })).map((t) => t.ID as string).find((id) => !taskIds.includes(id)) as string;
    // Each old task read only its 10 new lines: nothing up to its position was read again.
    expect(secondReads.sort()).toEqual([...taskIds.map((id): [string, string, number] => [svc.id, id, 10]), [svc.id, third, 50]].sort());
    expect(second.logs().filter((l) => l.startsWith('two ')).length).toBe(20);
    expect(second.logs().filter((l) => l.startsWith('one ')).length).toBe(50);
    expect(second.entries).toHaveLength(70);
  });

  it('a task without a checkpoint entry whose lines are older than every other task\'s position still has all its lines shipped', async () => {
    // What a crash can leave: two tasks checkpointed past the time a third one logged, the third not at all.
    const group = uniqueName('svcship');
    const command = (prefix: string) => ['sh', '-c', `i=0; while [ $i -lt 30 ]; do echo "${prefix} $(hostname) $i"; i=$((i+1)); done; trap 'exit 0' TERM; sleep 3600 & wait`];
    const svc = await docker.services.create(
      {
        Name: uniqueName('ship-svc'),
        Labels: { ...testLabels(), 'ship.group': group },
        TaskTemplate: { ContainerSpec: { Image: image, Command: command('early'), StopGracePeriod: 1_000_000_000 }, RestartPolicy: { Condition: 'none' } },
        Mode: { Replicated: { Replicas: 3 } },
      },
      { auth },
    );
    resources.defer(() => svc.remove().catch((e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e))));
    let tasks = await docker.tasks.list({ filters: { service: [svc.id] } });
    while (tasks.filter((t) => t.Status?.State === 'running').length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      tasks = await docker.tasks.list({ filters: { service: [svc.id] } });
    }
    const [lost, ...checkpointed] = tasks;
    const containerOf = (t: (typeof tasks)[number]) => t.Status?.ContainerStatus?.ContainerID as string;
    while ((await cliLogs(containerOf(lost!), 'stdout')).length < 30) await new Promise((resolve) => setTimeout(resolve, 100));
    // The two others write a line after all of the third's, and are checkpointed at it.
    const positions: Record<string, { time: string; count: number }> = {};
    for (const t of checkpointed) {
      expect(await docker.containers.get(containerOf(t)).exec(['sh', '-c', 'echo late > /proc/1/fd/1']).wait()).toEqual({ exitCode: 0 });
      const logs = await cliLogs(containerOf(t), 'stdout');
      positions[t.ID as string] = { time: logs.at(-1)?.[0] as string, count: 1 };
    }
    const lostLast = (await cliLogs(containerOf(lost!), 'stdout')).at(-1)?.[0] as string;
    for (const p of Object.values(positions)) expect(EventTime.fromRfc3339(p.time).toBigInt()).toBeGreaterThan(EventTime.fromRfc3339(lostLast).toBigInt());
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'ship-svc-')), 'checkpoint.json');
    writeFileSync(checkpoint, JSON.stringify({ version: 1, containers: {}, tasks: positions }));

    const r = await new Receiver().start();
    resources.defer(() => r.stop());
    const abort = new AbortController();
    const shipper = ship({ source: docker, services: true, include: { label: [`ship.group=${group}`] }, to: forward({ port: r.port, ack: true }), checkpoint, signal: abort.signal });
    await r.waitFor(30);
    let reads: Array<[string, number]> = [];
    for await (const status of shipper.status({ intervalMs: 10 })) {
      if (status.records >= 30) {
        reads = status.containers.map((c) => [c.id, c.read]);
        break;
      }
    }
    abort.abort();
    await shipper.done();
    expect(reads).toEqual([[lost!.ID, 30]]);
    expect(r.logs().sort()).toEqual(Array.from({ length: 30 }, (_, i) => `early ${(r.logs()[0] ?? '').split(' ')[1]} ${i}`).sort());
  });
});
