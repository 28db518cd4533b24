import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, TimeoutError } from '../../src/index.js';
import { type RecordingEngine, recordingEngine } from '../support/recording-engine.js';
import { type RequestRow, drain, frame, requestTable, versionGateTable } from '../support/request-table.js';

let engine: RecordingEngine;
beforeAll(async () => {
  engine = await recordingEngine({ apiVersion: '1.41' });
});
afterAll(() => engine.close());

const c = (e: RecordingEngine) => e.docker.containers.get('web/1');
const STAT = Buffer.from(JSON.stringify({ name: 'f', size: 1, mode: 420, mtime: '2024-01-01T00:00:00Z', linkTarget: '' })).toString('base64');
// Below API 1.42 the framing of output comes from the container's Config.Tty.
const inspectThen = (answer: { status?: number; headers?: Record<string, string>; body?: unknown }) => (req: { method: string; path: string }) =>
  req.method === 'GET' && req.path.endsWith('/json') ? { body: { Config: { Tty: false }, State: { Status: 'running' } } } : answer;

describe('container requests', () => {
  const rows: RequestRow[] = [
    {
      op: 'ContainerCreate',
      call: (e) => e.docker.containers.create({ Image: 'busybox', Cmd: ['true'] }, { name: 'job-1', platform: 'linux/amd64' }),
      respond: { body: { Id: 'abc', Warnings: [] } },
      method: 'POST',
      path: '/containers/create',
      query: { name: ['job-1'], platform: ['linux/amd64'] },
      json: { Image: 'busybox', Cmd: ['true'] },
      headers: { 'content-type': /application\/json/ },
    },
    {
      op: 'ContainerList',
      call: (e) => e.docker.containers.list({ all: true, limit: 3, size: true, filters: { label: ['a=1'] } }),
      respond: { body: [] },
      method: 'GET',
      path: '/containers/json',
      query: { all: ['1'], limit: ['3'], size: ['1'], filters: ['{"label":["a=1"]}'] },
    },
    { op: 'ContainerPrune', call: (e) => e.docker.containers.prune({ filters: { until: ['1h'] } }), method: 'POST', path: '/containers/prune', query: { filters: ['{"until":["1h"]}'] } },
    { op: 'ContainerInspect', call: (e) => c(e).inspect({ size: true }), method: 'GET', path: '/containers/web%2F1/json', query: { size: ['1'] } },
    { op: 'ContainerStart', call: (e) => c(e).start({ detachKeys: 'ctrl-x' }), respond: { status: 204 }, method: 'POST', path: '/containers/web%2F1/start', query: { detachKeys: ['ctrl-x'] } },
    { op: 'ContainerStart', name: '304 is success', call: (e) => c(e).start(), respond: { status: 304 }, method: 'POST', path: '/containers/web%2F1/start', query: {} },
    { op: 'ContainerStop', call: (e) => c(e).stop({ timeout: 5 }), respond: { status: 204 }, method: 'POST', path: '/containers/web%2F1/stop', query: { t: ['5'] } },
    { op: 'ContainerRestart', call: (e) => c(e).restart({ timeout: 0 }), respond: { status: 204 }, method: 'POST', path: '/containers/web%2F1/restart', query: { t: ['0'] } },
    { op: 'ContainerKill', call: (e) => c(e).kill({ signal: 9 }), respond: { status: 204 }, method: 'POST', path: '/containers/web%2F1/kill', query: { signal: ['9'] } },
    { op: 'ContainerPause', call: (e) => c(e).pause(), respond: { status: 204 }, method: 'POST', path: '/containers/web%2F1/pause', query: {} },
    { op: 'ContainerUnpause', call: (e) => c(e).unpause(), respond: { status: 204 }, method: 'POST', path: '/containers/web%2F1/unpause', query: {} },
    { op: 'ContainerRename', call: (e) => c(e).rename('web-2'), respond: { status: 204 }, method: 'POST', path: '/containers/web%2F1/rename', query: { name: ['web-2'] } },
    {
      op: 'ContainerUpdate',
      call: (e) => c(e).update({ Memory: 1 << 28, RestartPolicy: { Name: 'always' } }),
      method: 'POST',
      path: '/containers/web%2F1/update',
      json: { Memory: 1 << 28, RestartPolicy: { Name: 'always' } },
    },
    {
      op: 'ContainerWait',
      call: (e) => c(e).wait({ condition: 'next-exit' }),
      respond: { body: { StatusCode: 3 } },
      method: 'POST',
      path: '/containers/web%2F1/wait',
      query: { condition: ['next-exit'] },
    },
    {
      op: 'ContainerDelete',
      call: (e) => c(e).remove({ force: true, volumes: true, link: false }),
      respond: { status: 204 },
      method: 'DELETE',
      path: '/containers/web%2F1',
      query: { force: ['1'], v: ['1'], link: ['0'] },
    },
    { op: 'ContainerTop', call: (e) => c(e).top({ psArgs: 'aux' }), method: 'GET', path: '/containers/web%2F1/top', query: { ps_args: ['aux'] } },
    { op: 'ContainerChanges', call: (e) => c(e).changes(), respond: { body: null }, method: 'GET', path: '/containers/web%2F1/changes', query: {} },
    { op: 'ContainerExport', call: (e) => drain(c(e).export()), respond: { body: Buffer.from('tar') }, method: 'GET', path: '/containers/web%2F1/export', query: {} },
    { op: 'ContainerResize', call: (e) => c(e).resize({ h: 40, w: 120 }), method: 'POST', path: '/containers/web%2F1/resize', query: { h: ['40'], w: ['120'] } },
    {
      op: 'ContainerLogs',
      call: (e) => c(e).logs({ follow: true, since: 10, until: new Date(20_000), timestamps: true, tail: 5 }).text(),
      respond: inspectThen({ body: frame('stdout', '2024-01-01T00:00:00Z hi\n') }),
      method: 'GET',
      path: '/containers/web%2F1/logs',
      query: { follow: ['1'], stdout: ['1'], stderr: ['1'], since: ['10'], until: ['20.000'], timestamps: ['1'], tail: ['5'] },
    },
    {
      op: 'ContainerLogs',
      name: '.stderr alone asks for stderr only',
      call: (e) => drain(c(e).logs().stderr),
      respond: inspectThen({ body: frame('stderr', 'x') }),
      method: 'GET',
      path: '/containers/web%2F1/logs',
      query: { stdout: ['0'], stderr: ['1'] },
    },
    {
      op: 'ContainerAttach',
      call: async (e) => drain(await c(e).attach({ stream: true, logs: true, stdin: true, detachKeys: 'ctrl-x' })),
      respond: inspectThen({ body: frame('stdout', 'out') }),
      method: 'POST',
      path: '/containers/web%2F1/attach',
      query: { stream: ['1'], logs: ['1'], stdin: ['1'], stdout: ['1'], stderr: ['1'], detachKeys: ['ctrl-x'] },
      headers: { upgrade: 'tcp', connection: /upgrade/i },
    },
    {
      op: 'ContainerAttach',
      name: 'an exited container is attached with stream=0',
      call: async (e) => drain(await c(e).attach({ logs: true })),
      respond: (req) => (req.path.endsWith('/json') ? { body: { Config: { Tty: false }, State: { Status: 'exited' } } } : { body: frame('stdout', 'so far') }),
      method: 'POST',
      path: '/containers/web%2F1/attach',
      query: { stream: ['0'], logs: ['1'], stdout: ['1'], stderr: ['1'] },
    },
    {
      op: 'ContainerStats',
      call: (e) => drain(c(e).stats({ oneShot: false })),
      respond: { body: '{"read":"a"}\n{"read":"b"}\n' },
      method: 'GET',
      path: '/containers/web%2F1/stats',
      query: { stream: ['1'], 'one-shot': ['0'] },
    },
    {
      op: 'ContainerStats',
      name: 'statsOnce',
      call: (e) => c(e).statsOnce({ oneShot: true }),
      method: 'GET',
      path: '/containers/web%2F1/stats',
      query: { stream: ['0'], 'one-shot': ['1'] },
    },
    {
      op: 'PutContainerArchive',
      call: (e) => c(e).putArchive('/srv', Buffer.from('tar-bytes'), { noOverwriteDirNonDir: true, copyUIDGID: false }),
      method: 'PUT',
      path: '/containers/web%2F1/archive',
      query: { path: ['/srv'], noOverwriteDirNonDir: ['1'], copyUIDGID: ['0'] },
      body: 'tar-bytes',
      headers: { 'content-type': 'application/x-tar' },
    },
    {
      op: 'PutContainerArchive',
      name: 'a Node stream',
      call: (e) => c(e).putArchive('/srv', Readable.from([Buffer.from('a'), Buffer.from('b')])),
      method: 'PUT',
      path: '/containers/web%2F1/archive',
      body: 'ab',
    },
    {
      op: 'ContainerArchive',
      call: (e) => drain(c(e).getArchive('/data dir')),
      respond: { body: Buffer.from('tar'), headers: { 'X-Docker-Container-Path-Stat': STAT } },
      method: 'GET',
      path: '/containers/web%2F1/archive',
      query: { path: ['/data dir'] },
    },
    {
      op: 'ContainerArchiveInfo',
      call: async (e) => expect(await c(e).statPath('/f')).toMatchObject({ name: 'f', size: 1 }),
      respond: { headers: { 'X-Docker-Container-Path-Stat': STAT } },
      method: 'HEAD',
      path: '/containers/web%2F1/archive',
      query: { path: ['/f'] },
    },
  ];
  requestTable(() => engine, rows);

  versionGateTable(() => engine, [
    { op: 'ContainerStop', option: 'signal', version: '1.42', call: (e) => c(e).stop({ signal: 'SIGINT' }) },
    { op: 'ContainerRestart', option: 'signal', version: '1.42', call: (e) => c(e).restart({ signal: 'SIGINT' }) },
  ]);

  it('create resolves with the handle, engine warnings on it', async () => {
    engine.respond({ body: { Id: 'abc123', Warnings: ['low memory'] } });
    const created = await engine.docker.containers.create({ Image: 'busybox' });
    expect(created.id).toBe('abc123');
    expect(created.warnings).toEqual(['low memory']);
  });

  it('kill, stop and restart take their AbortSignal as `abortSignal` (their `signal` is the engine’s)', async () => {
    engine.respond({ stall: true });
    for (const call of [
      (abortSignal: AbortSignal) => c(engine).kill({ signal: 'SIGTERM', abortSignal }),
      (abortSignal: AbortSignal) => c(engine).stop({ abortSignal }),
      (abortSignal: AbortSignal) => c(engine).restart({ abortSignal }),
    ]) {
      const controller = new AbortController();
      const pending = call(controller.signal);
      controller.abort();
      await expect(pending).rejects.toThrow(AbortError);
    }
  });

  it('wait({ timeout }) throws TimeoutError when the condition is not reached in time', async () => {
    engine.respond({ stall: true });
    const before = engine.requests.length;
    await expect(engine.docker.containers.get('x').wait({ timeout: 50 })).rejects.toThrow(TimeoutError);
    expect(engine.requests.slice(before).map((r) => r.path)).toContain('/containers/x/wait');
  });
});

describe('container requests on a 1.43 engine', () => {
  it('stop and restart send `signal`', async () => {
    const newer = await recordingEngine({ apiVersion: '1.43' });
    try {
      newer.respond({ status: 204 });
      await newer.docker.containers.get('c').stop({ signal: 'SIGINT', timeout: 1 });
      expect(newer.last().query).toEqual({ t: ['1'], signal: ['SIGINT'] });
      await newer.docker.containers.get('c').restart({ signal: 15 });
      expect(newer.last().query).toEqual({ signal: ['15'] });
    } finally {
      await newer.close();
    }
  });
});

