import { afterAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { ConflictError, Docker, DockerError, NotFoundError } from '../src/index.js';
import { IDLE, collectBytes, createContainer, startContainer } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

describe('containers against the engine', () => {
  it('create, inspect, start, pause, unpause, restart, stop, remove', async () => {
    const c = await createContainer(docker, resources);
    expect(c.id).toMatch(/^[0-9a-f]{64}$/);
    expect((await c.inspect()).State?.Status).toBe('created');
    await c.start();
    await c.start(); // already started: the engine's 304 resolves
    expect((await c.inspect()).State?.Running).toBe(true);
    await c.pause();
    expect((await c.inspect()).State?.Paused).toBe(true);
    await c.unpause();
    const before = (await c.inspect()).State?.StartedAt;
    await c.restart({ timeout: 5 });
    expect((await c.inspect()).State?.StartedAt).not.toBe(before);
    await c.stop({ timeout: 5 });
    await c.stop(); // already stopped: resolves
    expect((await c.inspect()).State?.Status).toBe('exited');
    await c.remove();
    await expect(c.inspect()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('get() is lazy and works by name; rename, update, top, changes, resize, kill, wait', async () => {
    const name = uniqueName('byname');
    resources.container(name);
    const lazy = docker.containers.get(name); // no request: the container does not exist yet
    await docker.containers.create({ Image: TEST_IMAGE, Cmd: IDLE, Labels: testLabels(), Tty: true }, { name });
    await lazy.start();
    const renamed = uniqueName('renamed');
    resources.container(renamed);
    await lazy.rename(renamed);
    const c = docker.containers.get(renamed);
    expect((await c.inspect()).Name).toBe(`/${renamed}`);
    const update = await c.update({ Memory: 1 << 28, MemorySwap: -1 });
    expect(update.Warnings ?? []).toEqual(expect.any(Array));
    expect((await c.inspect()).HostConfig?.Memory).toBe(1 << 28);
    const top = await c.top();
    expect(top.Titles).toContain('PID');
    expect(top.Processes?.some((p) => p.join(' ').includes('sleep 3600'))).toBe(true);
    await c.exec(['touch', '/tmp/new-file']).wait();
    const changes = await c.changes();
    expect(changes.some((ch) => ch.Path === '/tmp/new-file')).toBe(true);
    await c.resize({ h: 40, w: 100 });
    await c.kill({ signal: 'SIGKILL' });
    const { StatusCode } = await c.wait();
    expect(StatusCode).toBe(137);
  });

  it('wait resolves with the exit code of a container that exits by itself', async () => {
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', 'exit 3'] });
    await c.start();
    expect(await c.wait()).toMatchObject({ StatusCode: 3 });
  });

  it('list with filters, all, and prune scoped by label', async () => {
    const label = `dockyard.list=${uniqueName('l')}`;
    const running = await startContainer(docker, resources, { Labels: { 'dockyard.list': label.split('=')[1]! } });
    const stopped = await createContainer(docker, resources, { Labels: { 'dockyard.list': label.split('=')[1]! } });
    const onlyRunning = await docker.containers.list({ filters: { label: [label] } });
    expect(onlyRunning.map((c) => c.Id)).toEqual([running.id]);
    const all = await docker.containers.list({ all: true, filters: { label: [label] } });
    expect(all.map((c) => c.Id).sort()).toEqual([running.id, stopped.id].sort());
    const pruned = await docker.containers.prune({ filters: { label: [label] } });
    expect(pruned.ContainersDeleted).toEqual([stopped.id]);
    await running.remove({ force: true, volumes: true });
    expect(await docker.containers.list({ all: true, filters: { label: [label] } })).toEqual([]);
  });

  it('export yields the filesystem as tar bytes', async () => {
    const c = await createContainer(docker, resources);
    const tar = await collectBytes(c.export());
    expect(tar.length).toBeGreaterThan(512);
    expect(tar.includes(Buffer.from('bin/busybox'))).toBe(true);
  });

  it('errors: NotFoundError and ConflictError carry the engine message verbatim', async () => {
    const missing = uniqueName('missing');
    const notFound = await docker.containers.get(missing).inspect().catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toBeInstanceOf(DockerError);
    expect((notFound as NotFoundError).statusCode).toBe(404);
    expect((notFound as Error).message).toBe(`No such container: ${missing}`);

    const c = await startContainer(docker, resources);
    const conflict = await c.remove().catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).statusCode).toBe(409);
    expect((conflict as Error).message).toMatch(/You cannot remove a running container/);
  });
});
