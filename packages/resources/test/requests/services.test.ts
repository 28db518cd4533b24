import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StreamError, encodeRegistryAuth } from '../../src/index.js';
import { type RecordedRequest, type RecordingEngine, recordingEngine } from '../support/recording-engine.js';
import { requestTable } from '../support/request-table.js';
import { assess } from '../../src/services/converge.js';

let engine: RecordingEngine;
beforeAll(async () => {
  engine = await recordingEngine({ apiVersion: '1.41' });
});
afterAll(() => engine.close());
beforeEach(() => engine.respond({ body: { ID: 'svc-id', Version: { Index: 9 }, Spec: { Name: 'web' } } }));

const spec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: '127.0.0.1:5000/app:1' } }, Mode: { Replicated: { Replicas: 2 } } };
const auth = { username: 'u', password: 'p' };

describe('service requests', () => {
  requestTable(() => engine, [
    { op: 'ServiceList', name: 'list with status', call: (e) => e.docker.services.list({ filters: { name: ['web'] }, status: true }), method: 'GET', path: '/services', query: { filters: ['{"name":["web"]}'], status: ['1'] } },
    {
      op: 'ServiceCreate',
      name: 'create with registry auth',
      call: (e) => e.docker.services.create(spec, { auth }),
      respond: { body: { ID: 'svc-id' } },
      method: 'POST',
      path: '/services/create',
      json: spec,
      headers: { 'x-registry-auth': encodeRegistryAuth({ serveraddress: '127.0.0.1:5000', ...auth }) },
    },
    { op: 'ServiceInspect', name: 'inspect with defaults', call: (e) => e.docker.services.get('web').inspect({ insertDefaults: true }), method: 'GET', path: '/services/web', query: { insertDefaults: ['1'] } },
    {
      op: 'ServiceUpdate',
      name: 'update with version, registryAuthFrom and auth',
      call: (e) => e.docker.services.get('web').update(spec, { version: 9, registryAuthFrom: 'previous-spec', auth }),
      method: 'POST',
      path: '/services/web/update',
      query: { version: ['9'], registryAuthFrom: ['previous-spec'] },
      json: spec,
      headers: { 'x-registry-auth': encodeRegistryAuth(auth) },
    },
    {
      op: 'ServiceUpdate',
      name: 'rollback reads the version and spec, then updates with rollback=previous',
      call: (e) => e.docker.services.get('web').rollback(),
      respond: { body: { ID: 'svc-id', Version: { Index: 9 }, Spec: { Name: 'web' } } },
      method: 'POST',
      path: '/services/web/update',
      query: { version: ['9'], rollback: ['previous'] },
      json: { Name: 'web' },
    },
    { op: 'ServiceDelete', name: 'remove', call: (e) => e.docker.services.get('web').remove(), method: 'DELETE', path: '/services/web' },
    {
      op: 'ServiceLogs',
      name: 'logs with every option',
      call: (e) => e.docker.services.get('web').logs({ details: true, follow: false, since: new Date(1_700_000_000_500), timestamps: false, tail: 'all' }).text(),
      method: 'GET',
      path: '/services/web/logs',
      query: { details: ['1'], follow: ['0'], stdout: ['1'], stderr: ['1'], since: ['1700000000.500'], timestamps: ['0'], tail: ['all'] },
      respond: (req) => (req.path.endsWith('/logs') ? { body: '' } : { body: { Spec: {} } }),
    },
  ]);

  it('create resolves with a handle by ID, carrying the engine warnings', async () => {
    engine.respond({ body: { ID: 'abc', Warnings: ['no digest'] } });
    const svc = await engine.docker.services.create(spec, { auth });
    expect([svc.id, svc.warnings]).toEqual(['abc', ['no digest']]);
  });

  it('create without auth takes the credentials from config.json, as pull does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockyard-svc-config-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { '127.0.0.1:5000': { auth: Buffer.from('cu:cp').toString('base64') } } }));
    const other = await recordingEngine({ apiVersion: '1.41', docker: { env: { DOCKER_CONFIG: dir } } });
    try {
      other.respond({ body: { ID: 'abc' } });
      await other.docker.services.create(spec);
      const sent = JSON.parse(Buffer.from(String(other.last().headers['x-registry-auth']), 'base64url').toString('utf8'));
      expect(sent).toMatchObject({ username: 'cu', password: 'cp', serveraddress: '127.0.0.1:5000' });
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a service without an image (a plugin service) is created without X-Registry-Auth', async () => {
    await engine.docker.services.create({ Name: 'p', TaskTemplate: { PluginSpec: { Name: 'x' } } });
    expect(engine.last().headers['x-registry-auth']).toBeUndefined();
  });
});

function frame(stream: 1 | 2, text: string): Buffer {
  const data = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(data.length, 4);
  return Buffer.concat([head, data]);
}

describe('service log framing below API 1.42 (the Content-Type says raw either way)', () => {
  const logsAnswer = (tty: boolean, body: Buffer) => (req: RecordedRequest) =>
    req.path.endsWith('/logs')
      ? { body, headers: { 'Content-Type': 'application/vnd.docker.raw-stream' } }
      : { body: { ID: 'svc-id', Spec: { TaskTemplate: { ContainerSpec: { TTY: tty } } } } };

  it('a service without TTY is read as multiplexed frames, each tagged with its stream', async () => {
    engine.respond(logsAnswer(false, Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])));
    const chunks = [];
    for await (const c of engine.docker.services.get('web').logs()) chunks.push([c.stream, Buffer.from(c.data).toString()]);
    expect(chunks).toEqual([
      ['stdout', 'out\n'],
      ['stderr', 'err\n'],
    ]);
  });

  it('a TTY service is read raw, as stdout', async () => {
    engine.respond(logsAnswer(true, Buffer.from('plain text\n')));
    expect(await engine.docker.services.get('web').logs().text()).toBe('plain text\n');
  });

  it('a TTY task is read raw too (its Spec.ContainerSpec.TTY)', async () => {
    engine.respond((req) => (req.path.endsWith('/logs') ? { body: Buffer.from('tty\n') } : { body: { Spec: { ContainerSpec: { TTY: true } } } }));
    expect(await engine.docker.tasks.get('t1').logs().text()).toBe('tty\n');
  });
});

// A fake engine answers the service, its tasks and an (empty) event stream: pins converge's
// reading of task states; the real engine's behaviour is in services.swarm.test.ts.
describe('converge against canned task lists', () => {
  const at = '2026-01-01T00:00:00.123456789Z';
  const later = '2026-01-01T00:00:01.5Z';
  const answer = (tasks: unknown[]) => (req: RecordedRequest) => {
    if (req.path === '/services/web') return { body: { ID: 'svc-id' } };
    if (req.path === '/services') return { body: [{ ID: 'svc-id', UpdatedAt: at, Spec: { Name: 'web' }, ServiceStatus: { DesiredTasks: 2 } }] };
    if (req.path === '/tasks') return { body: tasks };
    return { body: '' };
  };

  it('ends with one report when every desired task runs', async () => {
    const running = { DesiredState: 'running', Status: { State: 'running' }, CreatedAt: later };
    engine.respond(answer([running, running]));
    const reports = [];
    for await (const r of engine.docker.services.get('web').converge()) reports.push([r.desired, r.running, r.tasks.length]);
    expect(reports).toEqual([[2, 2, 2]]);
    const events = engine.requests.findLast((r) => r.path === '/events');
    expect(JSON.parse(events?.query.filters?.[0] ?? '{}')).toEqual({ type: ['service', 'container'] });
  });

  it('throws StreamError naming the failed task and its error', async () => {
    engine.respond(
      answer([
        { ID: 'task-1', Slot: 1, DesiredState: 'shutdown', Status: { State: 'rejected', Err: 'No such image: nope:latest' }, CreatedAt: later },
        { ID: 'task-2', DesiredState: 'running', Status: { State: 'pending' }, CreatedAt: later },
      ]),
    );
    const err = await (async () => {
      for await (const _ of engine.docker.services.get('web').converge()) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamError);
    expect((err as Error).message).toMatch(/task-1 \(web\.1\).*No such image: nope:latest/);
  });

  it('a task that failed before the last update does not count against it', async () => {
    const running = { DesiredState: 'running', Status: { State: 'running' }, CreatedAt: later };
    engine.respond(answer([{ ID: 'old', DesiredState: 'shutdown', Status: { State: 'failed', Err: 'old' }, CreatedAt: '2025-12-31T23:59:59Z' }, running, running]));
    const reports = [];
    for await (const r of engine.docker.services.get('web').converge()) reports.push(r.running);
    expect(reports).toEqual([2]);
  });

  it('waits while a task on its way out (scaled down) still runs', async () => {
    const running = { DesiredState: 'running', Status: { State: 'running' }, CreatedAt: later };
    const leaving = { ID: 'old', DesiredState: 'shutdown', Status: { State: 'running' }, CreatedAt: later };
    let refreshes = 0;
    const lists = answer([running, running, leaving]);
    engine.respond((req) => {
      if (req.path === '/tasks' && ++refreshes > 1) return { body: [running, running, { ...leaving, Status: { State: 'shutdown' } }] };
      return lists(req);
    });
    const reports = [];
    for await (const r of engine.docker.services.get('web').converge({ recheck: 1 })) reports.push(r.running);
    expect(refreshes).toBe(2);
    expect(reports).toEqual([2, 2]);
  });

  it('a replicated job converges when its iteration completed TotalCompletions tasks', () => {
    const service = { ID: 's', UpdatedAt: at, Spec: { Name: 'job', Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 2 } } }, JobStatus: { JobIteration: { Index: 7 } } };
    const task = (state: string, iteration = 7) => ({ ID: `t-${state}-${iteration}`, DesiredState: 'complete', JobIteration: { Index: iteration }, Status: { State: state }, CreatedAt: later });
    const one = assess(service, [task('complete'), task('running'), task('complete', 6)]);
    expect([one.report.desired, one.report.completed, one.report.running, one.done]).toEqual([2, 1, 1, false]);
    const both = assess(service, [task('complete'), { ...task('complete'), ID: 't2' }]);
    expect([both.report.completed, both.done]).toEqual([2, true]);
  });

  it('a paused update throws StreamError with the engine’s message', () => {
    const service = { ID: 's', UpdatedAt: at, Spec: { Name: 'web' }, UpdateStatus: { State: 'paused', Message: 'update paused due to failure or early termination of task x' } };
    expect(() => assess(service, [])).toThrow(/update of service web is paused: update paused due to failure/);
  });

  it('stops at once on abort while waiting for a change', async () => {
    engine.respond(answer([{ DesiredState: 'running', Status: { State: 'pending' }, CreatedAt: later }]));
    const controller = new AbortController();
    const seen: number[] = [];
    const err = await (async () => {
      for await (const r of engine.docker.services.get('web').converge({ signal: controller.signal, recheck: 60_000 })) {
        seen.push(r.running);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0]);
    expect((err as Error).name).toBe('AbortError');
  });
});
