import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError } from '../../src/index.js';
import type { RecordedRequest } from '../support/recording-engine.js';
import { type RecordingEngine, recordingEngine } from '../support/recording-engine.js';
import { type RequestRow, drain, frame, requestTable, versionGateTable } from '../support/request-table.js';

let engine: RecordingEngine;
beforeAll(async () => {
  engine = await recordingEngine({ apiVersion: '1.41' });
});
afterAll(() => engine.close());

// The engine's side of an exec: create gives an ID, start streams the output, inspect the exit.
function execEngine(output: Buffer = frame('stdout', 'hi\n')) {
  return (req: RecordedRequest) => {
    if (req.path.endsWith('/exec')) return { status: 201, body: { Id: 'e/1' } };
    if (req.path.endsWith('/start')) return req.headers.upgrade ? { body: output } : { status: 200 };
    if (req.path.endsWith('/json')) return { body: { ID: 'e/1', Running: false, ExitCode: 0 } };
    return { status: 201 };
  };
}

const c = (e: RecordingEngine) => e.docker.containers.get('web');

describe('exec requests', () => {
  const rows: RequestRow[] = [
    {
      op: 'ContainerExec',
      call: (e) => c(e).exec(['ls', '/'], { env: { A: '1' }, workdir: '/tmp', user: 'nobody', privileged: true, detachKeys: 'ctrl-x', tty: true }).output(),
      respond: execEngine(Buffer.from('raw')),
      method: 'POST',
      path: '/containers/web/exec',
      json: {
        AttachStdin: false,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Cmd: ['ls', '/'],
        Env: ['A=1'],
        WorkingDir: '/tmp',
        User: 'nobody',
        Privileged: true,
        DetachKeys: 'ctrl-x',
      },
    },
    {
      op: 'ExecStart',
      call: (e) => c(e).exec('echo hi').output(),
      respond: execEngine(),
      method: 'POST',
      path: '/exec/e%2F1/start',
      json: { Detach: false, Tty: false },
      headers: { upgrade: 'tcp', connection: /upgrade/i, 'content-type': /application\/json/ },
    },
    {
      op: 'ExecStart',
      name: 'detached: a plain request, resolved once started',
      call: (e) => c(e).exec(['sleep', '1'], { detach: true }).start(),
      respond: execEngine(),
      method: 'POST',
      path: '/exec/e%2F1/start',
      json: { Detach: true, Tty: false },
    },
    {
      op: 'ExecInspect',
      call: (e) => c(e).exec(['true'], { detach: true }).inspect(),
      respond: execEngine(),
      method: 'GET',
      path: '/exec/e%2F1/json',
    },
    {
      op: 'ExecResize',
      call: (e) => c(e).exec(['sh'], { tty: true, detach: true }).resize({ h: 24, w: 80 }),
      respond: execEngine(),
      method: 'POST',
      path: '/exec/e%2F1/resize',
      query: { h: ['24'], w: ['80'] },
    },
  ];
  requestTable(() => engine, rows);

  versionGateTable(() => engine, [{ op: 'ContainerExec', option: 'consoleSize', version: '1.42', call: (e) => c(e).exec(['sh'], { tty: true, consoleSize: { h: 1, w: 2 } }).start() }]);

  it('a detached exec is not attached: no hijack, its output is empty, wait() follows it', async () => {
    engine.respond(execEngine());
    const before = engine.requests.length;
    const proc = c(engine).exec(['true'], { detach: true });
    await drain(proc);
    expect(await proc.wait()).toEqual({ exitCode: 0 });
    expect(engine.requests.slice(before).some((r) => r.headers.upgrade !== undefined)).toBe(false);
    expect(engine.requests.slice(before).find((r) => r.path.endsWith('/exec'))?.json).toMatchObject({ AttachStdout: false, AttachStderr: false });
  });

  it('when the output ends, the exec is inspected (a dead engine then throws ConnectionError)', async () => {
    engine.respond(execEngine(frame('stderr', 'x')));
    const proc = c(engine).exec(['false']);
    await drain(proc);
    expect(engine.last().path).toBe('/exec/e%2F1/json');
  });

  it('an aborted exec stream throws AbortError, like every stream', async () => {
    engine.respond((req) => (req.path.endsWith('/exec') ? { status: 201, body: { Id: 'e1' } } : req.path.endsWith('/start') ? { stall: true } : { body: {} }));
    const controller = new AbortController();
    const proc = c(engine).exec(['sleep', '100'], { signal: controller.signal });
    const reading = drain(proc);
    setTimeout(() => controller.abort(), 20);
    await expect(reading).rejects.toThrow(AbortError);
  });
});
