import { afterAll, describe, expect, it } from 'vitest';
import { REGISTRY, TEST_IMAGE, trackResources, uniqueName } from '@dockyard/testkit';
import { Docker, DockerError, NotFoundError } from '../src/index.js';
import { startContainer } from './support/engine.js';

// API.md's "More of the engine" against the real engine: commit, login, distribution, build cache.
const resources = trackResources();
const docker = new Docker();
afterAll(async () => {
  await resources.cleanup();
  await docker.close();
});

describe('commit, login, distribution, build cache', () => {
  it('commit: a new image with the container’s changes, the comment, author and Dockerfile changes', async () => {
    const c = await startContainer(docker, resources);
    await c.exec(['sh', '-c', 'echo committed > /marker']).output();
    const repo = uniqueName('commit');
    resources.image(`${repo}:snap`);
    const image = await c.commit({ repo, tag: 'snap', comment: 'a snapshot', author: 'dockyard <test@example.invalid>', changes: ['CMD ["cat", "/marker"]', 'ENV SNAP=1'], pause: true });
    const info = await image.inspect();
    expect(info.RepoTags).toEqual([`${repo}:snap`]);
    expect([info.Comment, info.Author]).toEqual(['a snapshot', 'dockyard <test@example.invalid>']);
    expect(info.Config?.Cmd).toEqual(['cat', '/marker']);
    expect(info.Config?.Env).toContain('SNAP=1');
    const { stdout } = await docker.run(`${repo}:snap`, undefined, { remove: true });
    expect(stdout).toBe('committed\n');
  });

  it('login: right credentials resolve; a wrong password rejects, never carrying the password', async () => {
    const ok = await docker.login({ username: REGISTRY.username, password: REGISTRY.password, serveraddress: REGISTRY.address });
    expect(ok.Status).toBe('Login Succeeded');
    const wrong = `wrong-${uniqueName('pw')}`;
    const err = (await docker.login({ username: REGISTRY.username, password: wrong, serveraddress: REGISTRY.address }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DockerError);
    expect(err.message).toMatch(/unauthorized|authentication required|401/i);
    const seen: string[] = [];
    for (let e: unknown = err; e instanceof Error; e = e.cause) seen.push(e.message, e.stack ?? '', JSON.stringify(e));
    expect(seen.join('\n')).not.toContain(wrong);
  });

  it('distribution: the digest a push reported, without pulling', async () => {
    const auth = { username: REGISTRY.username, password: REGISTRY.password };
    const repo = `${REGISTRY.address}/${uniqueName('dist')}`;
    await docker.images.get(TEST_IMAGE).tag({ repo, tag: '1' });
    resources.image(`${repo}:1`);
    const pushed = await docker.images.push(`${repo}:1`, { auth }).done();
    const dist = await docker.images.distribution(`${repo}:1`, { auth });
    expect(dist.Descriptor.digest).toBe(pushed.digest);
    expect(dist.Descriptor.size).toBeGreaterThan(0);
    await expect(docker.images.distribution(`${repo}:nope`, { auth })).rejects.toBeInstanceOf(DockerError);
  });

  it('build cache prune: what went and the bytes reclaimed', async () => {
    // The engine is shared: only cache older than a century may go, which is none of it.
    const res = await docker.buildCache.prune({ all: true, filters: { until: ['876000h'] }, keepStorage: 1 << 30 });
    expect([res.CachesDeleted ?? [], res.SpaceReclaimed]).toEqual([[], 0]);
    await expect(docker.buildCache.prune({ filters: { nonsense: ['x'] } })).rejects.toBeInstanceOf(DockerError);
  });

  it('ping with HEAD', async () => {
    expect(await docker.ping({ method: 'HEAD' })).toBe(true);
  });

  it('attachWebSocket: stdin in, output out, over a WebSocket; a missing container is the engine’s 404', async () => {
    const c = await startContainer(docker, resources, { Cmd: ['sh', '-c', 'while read line; do echo "got $line"; echo "err $line" >&2; done'], OpenStdin: true });
    await using ws = await c.attachWebSocket();
    await ws.send('hello\n');
    let out = '';
    for await (const bytes of ws) {
      out += Buffer.from(bytes).toString();
      if (out.includes('got hello\n') && out.includes('err hello\n')) break;
    }
    expect(out).toContain('got hello\n');
    await expect(docker.containers.get(uniqueName('none')).attachWebSocket()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('commit of a missing container is the engine’s 404', async () => {
    await expect(docker.containers.get(uniqueName('none')).commit()).rejects.toBeInstanceOf(NotFoundError);
  });
});
