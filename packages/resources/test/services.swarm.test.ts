import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY, TEST_IMAGE, type TestSwarm, leaveTestSwarm, testLabels, trackResources, uniqueName, useTestSwarm } from '@dockyard/testkit';
import { Docker, DockerError, NotFoundError, type Service, type ServiceCreateBody, StreamError } from '../src/index.js';

// Swarm mode against the real engine, as a single-node swarm this file makes (and leaves).
const resources = trackResources();
const docker = new Docker();
const auth = { username: REGISTRY.username, password: REGISTRY.password };
const image = `${REGISTRY.address}/${uniqueName('swarm')}:1`;
let swarm: TestSwarm | undefined;

beforeAll(async () => {
  swarm = await useTestSwarm();
  // Services pull from the registry, with credentials: the test image goes there first.
  const [repo, tag] = [image.slice(0, image.lastIndexOf(':')), '1'];
  await docker.images.get(TEST_IMAGE).tag({ repo, tag });
  resources.image(image);
  await docker.images.push(image, { auth }).done();
});
afterAll(async () => {
  await resources.cleanup();
  await leaveTestSwarm(swarm);
  await docker.close();
});

/** A replicated service of the registry image, labelled, removed after the file. */
async function createService(replicas: number, command: string[], extra: Partial<ServiceCreateBody> = {}): Promise<Service> {
  const name = uniqueName('svc');
  const svc = await docker.services.create(
    {
      Name: name,
      Labels: testLabels(),
      TaskTemplate: { ContainerSpec: { Image: image, Command: command, StopGracePeriod: 1_000_000_000 }, RestartPolicy: { Condition: 'none' } },
      Mode: { Replicated: { Replicas: replicas } },
      ...extra,
    },
    { auth },
  );
  resources.defer(() => svc.remove().catch((e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e))));
  return svc;
}

const IDLE = ['sh', '-c', "trap 'exit 0' TERM; echo out-$HOSTNAME; echo err-$HOSTNAME >&2; sleep 3600 & wait"];

async function lastReport(svc: Service) {
  const reports = [];
  for await (const r of svc.converge()) reports.push(r);
  return { reports, last: reports.at(-1)! };
}

describe('services against a single-node swarm', () => {
  it('2 replicas converge, scale to 3 with the version, a stale version is refused, roll back to 2', async () => {
    const svc = await createService(2, IDLE);
    expect(svc.id).toMatch(/^[a-z0-9]{25}$/);
    const first = await lastReport(svc);
    expect([first.last.desired, first.last.running, first.last.tasks.length]).toEqual([2, 2, 2]);
    expect(first.last.tasks.every((t) => t.Status?.State === 'running')).toBe(true);

    const before = await svc.inspect();
    const version = before.Version!.Index!;
    const update = await svc.update({ ...before.Spec!, Mode: { Replicated: { Replicas: 3 } } }, { version });
    expect(update.Warnings ?? []).toEqual([]);
    const scaled = await lastReport(svc);
    expect([scaled.last.desired, scaled.last.running]).toEqual([3, 3]);

    // The version the first update was based on is stale now.
    const stale = await svc.update({ ...before.Spec!, Mode: { Replicated: { Replicas: 1 } } }, { version }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(DockerError);
    expect((stale as Error).message).toMatch(/out of sequence/);
    expect((await svc.inspect()).Spec?.Mode?.Replicated?.Replicas).toBe(3);

    await svc.rollback();
    expect((await svc.inspect()).Spec?.Mode?.Replicated?.Replicas).toBe(2);
    const rolledBack = await lastReport(svc);
    expect([rolledBack.last.desired, rolledBack.last.running]).toEqual([2, 2]);

    const listed = await docker.services.list({ filters: { name: [(await svc.inspect()).Spec!.Name!] }, status: true });
    expect(listed.map((s) => [s.ID, s.ServiceStatus?.RunningTasks])).toEqual([[svc.id, 2]]);
    expect((await svc.inspect({ insertDefaults: true })).Spec?.UpdateConfig?.Order).toBe('stop-first');
  });

  it('service logs are the same LogStream as a container’s, with stream tags; task list, inspect and logs', async () => {
    const svc = await createService(1, IDLE);
    await lastReport(svc);
    const seen = new Set<string>();
    for await (const line of svc.logs({ follow: true, timestamps: true }).lines()) {
      expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
      seen.add(`${line.stream} ${line.text.replace(/-.*/, '')}`);
      if (seen.size === 2) break;
    }
    expect([...seen].sort()).toEqual(['stderr err', 'stdout out']);

    const tasks = await docker.tasks.list({ filters: { service: [svc.id], 'desired-state': ['running'] } });
    expect(tasks).toHaveLength(1);
    const task = docker.tasks.get(tasks[0]!.ID!);
    const info = await task.inspect();
    expect([info.ServiceID, info.Status?.State]).toEqual([svc.id, 'running']);
    expect(await task.logs({ stdout: true, stderr: false }).text()).toMatch(/^out-\w+\n$/);
    const stderr: Buffer[] = [];
    for await (const bytes of task.logs().stderr) stderr.push(Buffer.from(bytes));
    expect(Buffer.concat(stderr).toString()).toMatch(/^err-\w+\n$/);
  });

  it('a TTY service’s logs are read raw, as stdout', async () => {
    const svc = await createService(1, ['sh', '-c', "trap 'exit 0' TERM; echo tty-out; echo tty-err >&2; sleep 3600 & wait"]);
    const spec = (await svc.inspect()).Spec!;
    await svc.update({ ...spec, TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: { ...spec.TaskTemplate!.ContainerSpec, TTY: true } } }, { version: (await svc.inspect()).Version!.Index! });
    await lastReport(svc);
    const lines: string[] = [];
    for await (const line of svc.logs({ follow: true }).lines()) {
      lines.push(`${line.stream} ${line.text}`);
      if (lines.includes('stdout tty-err')) break;
    }
    expect(lines).toContain('stdout tty-out');
  });

  it('converge() throws StreamError naming the task and its error when the image is missing', async () => {
    const missing = `${REGISTRY.address}/${uniqueName('missing')}:1`;
    const svc = await createService(1, IDLE, { TaskTemplate: { ContainerSpec: { Image: missing }, RestartPolicy: { Condition: 'none' } } });
    const err = await (async () => {
      for await (const _ of svc.converge()) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamError);
    const [task] = await docker.tasks.list({ filters: { service: [svc.id] } });
    expect((err as Error).message).toContain(task!.ID!);
    expect((err as Error).message).toMatch(/failed: No such image: /);
  });

  it('a global service converges with one task per node (the engine’s DesiredTasks)', async () => {
    const svc = await createService(0, IDLE, { Mode: { Global: {} } });
    const { last } = await lastReport(svc);
    expect([last.desired, last.running, last.tasks.map((t) => t.NodeID)]).toEqual([1, 1, [swarm!.nodeId]]);
  });

  it('a replicated job converges once its tasks completed', async () => {
    const svc = await createService(0, ['sh', '-c', 'echo done'], { Mode: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 2 } } });
    const { last } = await lastReport(svc);
    expect([last.desired, last.completed]).toEqual([2, 2]);
    expect(last.tasks.map((t) => t.Status?.State)).toEqual(['complete', 'complete']);
  });

  it('converge() stops at once when its signal aborts', async () => {
    const svc = await createService(1, IDLE);
    const controller = new AbortController();
    const err = await (async () => {
      for await (const _ of svc.converge({ signal: controller.signal })) controller.abort();
    })().catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
  });
});

describe('secrets and configs', () => {
  it('a secret’s data is never returned; labels update with the version; remove', async () => {
    const name = uniqueName('secret');
    const secret = await docker.secrets.create({ Name: name, Labels: testLabels(), Data: Buffer.from('hunter2').toString('base64') });
    resources.defer(() => secret.remove().catch(() => undefined));
    const info = await secret.inspect();
    expect(info.Spec?.Name).toBe(name);
    expect(info.Spec?.Data).toBeUndefined();
    expect(JSON.stringify(await docker.secrets.list({ filters: { name: [name] } }))).not.toContain(Buffer.from('hunter2').toString('base64'));
    await secret.update({ ...info.Spec!, Labels: { ...info.Spec?.Labels, rotated: 'no' } }, { version: info.Version!.Index! });
    expect((await docker.secrets.get(name).inspect()).Spec?.Labels?.rotated).toBe('no');
    await expect(secret.update({ ...info.Spec!, Labels: {} }, { version: info.Version!.Index! })).rejects.toThrow(/out of sequence/);
    await secret.remove();
    await expect(secret.inspect()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a config round trips its data; labels update with the version; remove', async () => {
    const name = uniqueName('config');
    const data = Buffer.from('server { listen 80; }\n').toString('base64');
    const config = await docker.configs.create({ Name: name, Labels: testLabels(), Data: data });
    resources.defer(() => config.remove().catch(() => undefined));
    const info = await config.inspect();
    expect(info.Spec?.Data).toBe(data);
    const [listed] = await docker.configs.list({ filters: { name: [name] } });
    expect(listed?.ID).toBe(config.id);
    await config.update({ ...info.Spec!, Labels: { ...info.Spec?.Labels, app: 'web' } }, { version: info.Version!.Index! });
    expect((await config.inspect()).Spec?.Labels?.app).toBe('web');
    await config.remove();
    await expect(config.inspect()).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('nodes and the swarm itself', () => {
  it('nodes list, inspect and update with the version (a label, then back)', async () => {
    const nodes = await docker.nodes.list({ filters: { role: ['manager'] } });
    const self = nodes.find((n) => n.ID === swarm!.nodeId);
    expect(self?.Spec?.Role).toBe('manager');
    const node = docker.nodes.get(swarm!.nodeId);
    const before = await node.inspect();
    const mark = uniqueName('mark');
    await node.update({ ...before.Spec!, Labels: { ...before.Spec?.Labels, 'dockyard.mark': mark } }, { version: before.Version!.Index! });
    const after = await node.inspect();
    expect(after.Spec?.Labels?.['dockyard.mark']).toBe(mark);
    await expect(node.update(before.Spec!, { version: before.Version!.Index! })).rejects.toThrow(/out of sequence/);
    await node.update(before.Spec!, { version: after.Version!.Index! });
    expect((await node.inspect()).Spec?.Labels?.['dockyard.mark']).toBeUndefined();
    // The only manager cannot be removed while it is up.
    await expect(node.remove()).rejects.toBeInstanceOf(DockerError);
  });

  it('swarm inspect, update with the version, unlock key while autolocked, stale version refused', async () => {
    const before = await docker.swarm.inspect();
    expect(before.JoinTokens?.Worker).toMatch(/^SWMTKN-/);
    const spec = before.Spec!;
    try {
      await docker.swarm.update({ ...spec, EncryptionConfig: { AutoLockManagers: true } }, { version: before.Version!.Index!, rotateWorkerToken: true });
      const locked = await docker.swarm.inspect();
      expect(locked.Spec?.EncryptionConfig?.AutoLockManagers).toBe(true);
      expect(locked.JoinTokens?.Worker).not.toBe(before.JoinTokens?.Worker);
      const { UnlockKey } = await docker.swarm.unlockKey();
      expect(UnlockKey).toMatch(/^SWMKEY-1-/);
      await docker.swarm.update(locked.Spec!, { version: locked.Version!.Index!, rotateManagerUnlockKey: true });
      expect((await docker.swarm.unlockKey()).UnlockKey).not.toBe(UnlockKey);
      // This manager is running, so it is not locked: the engine says so.
      await expect(docker.swarm.unlock({ UnlockKey })).rejects.toThrow(/not locked/);
      await expect(docker.swarm.update(spec, { version: before.Version!.Index! })).rejects.toThrow(/out of sequence/);
    } finally {
      const now = await docker.swarm.inspect();
      await docker.swarm.update({ ...spec, EncryptionConfig: { AutoLockManagers: false } }, { version: now.Version!.Index! });
    }
    expect((await docker.swarm.inspect()).Spec?.EncryptionConfig?.AutoLockManagers).toBe(false);
  });

  it('join and init are refused by a node already in a swarm, with the engine’s message', async () => {
    const { JoinTokens } = await docker.swarm.inspect();
    await expect(docker.swarm.join({ ListenAddr: '127.0.0.1:2377', RemoteAddrs: ['127.0.0.1:2377'], JoinToken: JoinTokens!.Worker! })).rejects.toThrow(/already part of a swarm/);
    await expect(docker.swarm.init({ AdvertiseAddr: '127.0.0.1' })).rejects.toThrow(/already part of a swarm/);
  });
});
