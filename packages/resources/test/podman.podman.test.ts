// What dockyard does about Podman's differences, against the real Podman (`npm run test:podman`
// only: these pin Podman's answers, which dockerd does not give).
import { engineCall, trackResources } from '@dockyard/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { ConflictError, Docker, StreamError } from '../src/index.js';
import { collectBytes, createContainer, startContainer } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
// A version Podman 4.3 does not speak but accepts in the path, answering with 1.42's headers.
const pinned = new Docker({ apiVersion: '1.45' });
afterAll(() => Promise.all([docker.close(), pinned.close()]));

describe('Podman is detected', () => {
  it('by the negotiation ping (Libpod-Api-Version), and with a pinned version on demand', async () => {
    await docker.transport.negotiate();
    expect(docker.transport.engine).toBe('podman');
    expect(await pinned.transport.detectEngine()).toBe('podman');
  });
});

describe("Podman's 500 for a conflict is ConflictError, its message verbatim", () => {
  it('removing a running container', async () => {
    const c = await startContainer(docker, resources);
    const err = await c.remove().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).statusCode).toBe(500);
    const raw = await engineCall('DELETE', `/v1.41/containers/${c.id}`);
    expect((err as Error).message).toBe(raw.json<{ message: string }>().message);
    expect((err as Error).message).toMatch(/container state improper/);
  });

  it('killing a container that is not running, exec in it', async () => {
    const c = await createContainer(docker, resources);
    await expect(c.kill()).rejects.toBeInstanceOf(ConflictError);
    await expect(c.exec(['true']).wait()).rejects.toBeInstanceOf(ConflictError);
  });

  it('a name in use', async () => {
    const c = await createContainer(docker, resources);
    const name = (await c.inspect()).Name?.replace(/^\//, '') as string;
    const err = await docker.containers.create({ Image: (await c.inspect()).Config?.Image as string }, { name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toMatch(/already in use/);
  });
});

describe('framing with a pinned newer version: the Content-Type is not trusted', () => {
  it('attach to a non-TTY container (Podman says raw-stream) comes demultiplexed', async () => {
    const created = await createContainer(docker, resources, { Cmd: ['sh', '-c', 'sleep 1; echo out; echo err >&2'] });
    const c = pinned.containers.get(created.id);
    const session = await c.attach();
    await c.start();
    const { stdout, stderr } = session; // both sides taken before reading: they share the output
    const [out, err] = await Promise.all([collectBytes(stdout), collectBytes(stderr)]);
    expect(out.toString()).toBe('out\n');
    expect(err.toString()).toBe('err\n');
  });

  it('attach to a TTY container comes raw, and logs of a non-TTY one demultiplexed', async () => {
    const tty = await createContainer(docker, resources, { Tty: true, Cmd: ['sh', '-c', 'sleep 1; echo on-tty'] });
    const session = await pinned.containers.get(tty.id).attach();
    await tty.start();
    const chunks: string[] = [];
    for await (const { stream, data } of session) {
      expect(stream).toBe('stdout');
      chunks.push(Buffer.from(data).toString());
    }
    expect(chunks.join('')).toContain('on-tty');

    const plain = await createContainer(docker, resources, { Cmd: ['sh', '-c', 'echo out; echo err >&2'] });
    await plain.start();
    await plain.wait();
    const logs = pinned.containers.get(plain.id).logs();
    expect((await collectBytes(logs.stdout)).toString()).toBe('out\n');
  });
});

describe('attach with logs: Podman < 4.4 replays frames one byte short (containers/podman#16856)', () => {
  it('the broken replay is a StreamError, never garbage passed on as output', async () => {
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', 'echo first; sleep 3'] }, 'replay');
    await c.start();
    await expect.poll(async () => (await c.logs().text()).length).toBeGreaterThan(0);
    const session = await c.attach({ logs: true });
    const err = await (async () => {
      for await (const chunk of session) void chunk;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamError);
  });
});
