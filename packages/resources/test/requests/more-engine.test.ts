import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BadRequestError, encodeRegistryAuth } from '../../src/index.js';
import { type RecordingEngine, recordingEngine } from '../support/recording-engine.js';
import { requestTable } from '../support/request-table.js';

// Request tables of API.md's "More of the engine": commit, login, distribution, build cache.
let engine: RecordingEngine;
beforeAll(async () => {
  engine = await recordingEngine({ apiVersion: '1.41' });
});
afterAll(() => engine.close());
beforeEach(() => engine.respond({ body: { Id: 'sha256:abc', Status: 'Login Succeeded' } }));

describe('more engine requests', () => {
  requestTable(() => engine, [
    {
      op: 'ImageCommit',
      name: 'commit with every option',
      call: (e) => e.docker.containers.get('c1').commit({ repo: 'app', tag: 'snap', comment: 'c', author: 'me', pause: false, changes: ['CMD ["sh"]', 'ENV A=1'], config: { Labels: { a: '1' } } }),
      respond: { body: { Id: 'sha256:abc' } },
      method: 'POST',
      path: '/commit',
      query: { container: ['c1'], repo: ['app'], tag: ['snap'], comment: ['c'], author: ['me'], pause: ['0'], changes: ['CMD ["sh"]', 'ENV A=1'] },
      json: { Labels: { a: '1' } },
    },
    {
      op: 'SystemAuth',
      name: 'login',
      call: (e) => e.docker.login({ username: 'u', password: 'p', serveraddress: '127.0.0.1:5000' }),
      method: 'POST',
      path: '/auth',
      json: { username: 'u', password: 'p', serveraddress: '127.0.0.1:5000' },
    },
    {
      op: 'DistributionInspect',
      name: 'distribution with auth',
      call: (e) => e.docker.images.distribution('127.0.0.1:5000/app:2', { auth: { username: 'u', password: 'p' } }),
      method: 'GET',
      path: '/distribution/127.0.0.1%3A5000%2Fapp%3A2/json',
      headers: { 'x-registry-auth': encodeRegistryAuth({ serveraddress: '127.0.0.1:5000', username: 'u', password: 'p' }) },
    },
    {
      op: 'ContainerAttachWebsocket',
      name: 'attach over a WebSocket (the recording engine refuses the upgrade)',
      call: (e) => e.docker.containers.get('c1').attachWebSocket({ logs: true, detachKeys: 'ctrl-x' }).catch(() => undefined),
      method: 'GET',
      path: '/containers/c1/attach/ws',
      query: { logs: ['1'], stream: ['1'], detachKeys: ['ctrl-x'] },
      headers: { upgrade: 'websocket' },
    },
    {
      op: 'BuildPrune',
      name: 'build cache prune (keepStorage is keep-storage below 1.48)',
      call: (e) => e.docker.buildCache.prune({ all: true, filters: { until: ['24h'] }, keepStorage: 1000 }),
      method: 'POST',
      path: '/build/prune',
      query: { all: ['1'], filters: ['{"until":["24h"]}'], 'keep-storage': ['1000'] },
    },
  ]);

  // 'SystemPingHead' (no row: the recording engine answers pings itself)
  it('ping with HEAD sends HEAD /_ping (unversioned)', async () => {
    const before = engine.pings.length;
    expect(await engine.docker.ping({ method: 'HEAD' })).toBe(true);
    expect(engine.pings.slice(before)).toEqual([{ method: 'HEAD', path: '/_ping' }]);
  });

  it('attachWebSocket: stdin/stdout/stderr (API 1.42) are refused on a 1.41 engine, before connecting', async () => {
    const before = engine.requests.length;
    await expect(engine.docker.containers.get('c1').attachWebSocket({ stdout: true })).rejects.toThrow(/`stdout`.*1\.42/);
    expect(engine.requests.length).toBe(before);
  });

  it('commit resolves with a handle on the new image', async () => {
    const image = await engine.docker.containers.get('c1').commit();
    expect(image.name).toBe('sha256:abc');
  });

  it('the 1.48 build prune options are refused on a 1.41 engine, before sending', async () => {
    const before = engine.requests.length;
    const err = await engine.docker.buildCache.prune({ maxUsedSpace: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toMatch(/`maxUsedSpace`.*1\.48.*1\.41/);
    expect(engine.requests.length).toBe(before);
  });

  it('a wrong password is rejected without the password anywhere in the error', async () => {
    engine.respond({ status: 401, body: { message: 'login attempt for user u with password hunter2 failed' } });
    const err = (await engine.docker.login({ username: 'u', password: 'hunter2' }).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('UnauthorizedError');
    const all: string[] = [];
    for (let e: unknown = err; e instanceof Error; e = e.cause) all.push(e.message, e.stack ?? '');
    expect(all.join('\n')).not.toContain('hunter2');
    expect(err.message).toContain('with password *** failed');
  });
});

describe('build cache prune on a 1.48 engine', () => {
  it('sends keepStorage as reserved-space, with the newer options', async () => {
    const newer = await recordingEngine({ apiVersion: '1.48' });
    try {
      newer.respond({ body: {} });
      await newer.docker.buildCache.prune({ keepStorage: 5, maxUsedSpace: 6, minFreeSpace: 7 });
      const req = newer.last();
      expect([req.path, req.version]).toEqual(['/build/prune', '1.48']);
      expect(req.query).toEqual({ 'reserved-space': ['5'], 'max-used-space': ['6'], 'min-free-space': ['7'] });
    } finally {
      await newer.close();
    }
  });
});

