// The transport against the real engine (Docker 20.10, API 1.41): negotiation, pinning,
// streaming bodies, abort, time-to-headers timeout, and close() letting the process exit.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE, engineCall, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError, BadRequestError, TimeoutError } from '../src/errors.js';
import { enginePath } from '../src/request-path.js';
import { Transport } from '../src/transport.js';

const resources = trackResources();
const transports: Transport[] = [];
afterAll(() => Promise.all(transports.map((t) => t.close())));

function transport(options: ConstructorParameters<typeof Transport>[0] = {}): Transport {
  const t = new Transport(options);
  transports.push(t);
  return t;
}

/** A running container whose PID 1 (`sleep`) ignores SIGTERM, so `stop` takes its full grace time. */
async function sleepingContainer(t: Transport): Promise<string> {
  const res = await t.request({
    method: 'POST',
    path: '/containers/create',
    query: { name: uniqueName('transport') },
    body: { Image: TEST_IMAGE, Cmd: ['sleep', '300'], Labels: testLabels() },
  });
  const id = resources.container((await res.json<{ Id: string }>()).Id);
  await (await t.request({ method: 'POST', path: enginePath`/containers/${id}/start` })).dump();
  return id;
}

describe('version negotiation on the engine', () => {
  it('negotiates the engine API version (1.41) for concurrent callers and reports it', async () => {
    const t = transport();
    expect(t.apiVersion).toBeUndefined();
    const engineVersion = (await engineCall('GET', '/version')).json<{ ApiVersion: string }>().ApiVersion;
    const [a, b] = await Promise.all([t.negotiate(), t.negotiate()]);
    expect(a).toBe(engineVersion);
    expect(b).toBe(engineVersion);
    expect(t.apiVersion).toBe('1.41');
    const version = await (await t.request({ method: 'GET', path: '/version' })).json<{ ApiVersion: string }>();
    expect(version.ApiVersion).toBe('1.41');
  });

  it('negotiates lazily on the first request', async () => {
    const t = transport();
    const info = await (await t.request({ method: 'GET', path: '/info' })).json<{ ID: string }>();
    expect(typeof info.ID).toBe('string');
    expect(t.apiVersion).toBe('1.41');
  });

  it('uses a pinned version (option) without negotiating', async () => {
    const t = transport({ apiVersion: '1.40' });
    expect(t.apiVersion).toBe('1.40');
    const res = await t.request({ method: 'GET', path: '/version' });
    expect(res.statusCode).toBe(200);
    expect(t.apiVersion).toBe('1.40');
  });

  it('prefixes every path with the version: a pinned 1.99 gets the engine own "too new" answer', async () => {
    const t = transport({ env: { ...process.env, DOCKER_API_VERSION: '1.99' } });
    expect(t.apiVersion).toBe('1.99');
    const err = await t.request({ method: 'GET', path: '/version' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toMatch(/client version 1\.99 is too new/);
  });

  it('answers unversioned /_ping', async () => {
    const t = transport();
    const res = await t.request({ method: 'GET', path: '/_ping', versioned: false });
    expect(await res.text()).toBe('OK');
    expect(res.headers['api-version']).toBe('1.41');
    expect(t.apiVersion).toBeUndefined();
  });
});

describe('streams, aborts and timeouts on the engine', () => {
  it('streams GET /events and closes the socket on break', async () => {
    const t = transport({ maxConnections: 1 });
    await sleepingContainer(t); // makes sure there are events to replay
    const res = await t.request({ method: 'GET', path: '/events', query: { since: '0' } });
    let first: string | undefined;
    for await (const chunk of res.body) {
      first = Buffer.from(chunk).toString();
      break;
    }
    expect(JSON.parse(first?.split('\n')[0] ?? '')).toHaveProperty('Type');
    await expect.poll(() => t.openSockets).toBe(0);
    // The single pooled connection was not left half-read: the next request works.
    expect((await t.request({ method: 'GET', path: '/_ping', versioned: false })).statusCode).toBe(200);
  });

  it('aborting a long wait gives AbortError with the reason as cause and closes the socket', async () => {
    const t = transport({ maxConnections: 1 });
    const id = await sleepingContainer(t);
    const controller = new AbortController();
    // The engine sends the headers at once and the body when the container exits.
    const res = await t.request({ method: 'POST', path: enginePath`/containers/${id}/wait`, signal: controller.signal });
    const waiting = res.json().catch((e: unknown) => e);
    expect(t.openSockets).toBe(1);
    const reason = new Error('user gave up');
    controller.abort(reason);
    const err = await waiting;
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toBe(reason);
    await expect.poll(() => t.openSockets).toBe(0);
  });

  it('aborting while the engine has not answered yet gives AbortError and closes the socket', async () => {
    const t = transport({ maxConnections: 1 });
    const id = await sleepingContainer(t);
    const controller = new AbortController();
    // stop waits the full grace time before answering: sleep as PID 1 ignores SIGTERM.
    const stopping = t.request({ method: 'POST', path: enginePath`/containers/${id}/stop`, query: { t: 60 }, signal: controller.signal });
    await expect.poll(() => t.openSockets).toBe(1);
    controller.abort();
    await expect(stopping).rejects.toBeInstanceOf(AbortError);
    await expect.poll(() => t.openSockets).toBe(0);
  });

  it('gives TimeoutError when no headers arrive within the timeout, but never times out a stream body', async () => {
    const t = transport();
    const id = await sleepingContainer(t);
    const err = await t
      .request({ method: 'POST', path: enginePath`/containers/${id}/stop`, query: { t: 60 }, timeout: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/300 ms/);
    // A follow stream whose body stays silent longer than the transport's 300 ms headers timeout.
    const quick = transport({ timeout: 300 });
    const res = await quick.request({ method: 'GET', path: '/events', query: { filters: { container: [id], event: ['destroy'] } } });
    const next = res.body[Symbol.asyncIterator]().next();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await engineCall('DELETE', `/containers/${id}?force=1`);
    const event = await next;
    expect(Buffer.from(event.value ?? []).toString()).toContain('"destroy"');
  });
});

describe('closing', () => {
  it('close() lets the process exit with no dangling handles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockyard-exit-'));
    const script = join(dir, 'exit.mts');
    const index = new URL('../src/index.ts', import.meta.url).pathname;
    writeFileSync(
      script,
      `import { Transport } from ${JSON.stringify(index)};
// Before: what the process holds anyway (its stdio pipes).
console.log(JSON.stringify(process.getActiveResourcesInfo()));
const t = new Transport();
await (await t.request({ method: 'GET', path: '/info' })).json();
const events = await t.request({ method: 'GET', path: '/events' });   // a stream left open
const exec = await (await t.request({ method: 'POST', path: '/containers/create', body: { Image: ${JSON.stringify(TEST_IMAGE)}, Labels: ${JSON.stringify(testLabels())} } })).json();
await t.request({ method: 'DELETE', path: '/containers/' + exec.Id });
void events;
await t.close();
// Everything left on the loop after close() keeps the process alive: list it for the test.
setImmediate(() => console.log(JSON.stringify(process.getActiveResourcesInfo())));
`,
    );
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const [before, after] = stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as string[]).filter((r) => r !== 'Immediate').sort());
      expect(after).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
