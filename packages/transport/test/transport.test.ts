import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, BadRequestError, ConnectionError, ServerError } from '../src/errors.js';
import { UnsupportedApiVersionError } from '../src/negotiate.js';
import { Transport } from '../src/transport.js';
import { type FakeServer, startHttpServer, startRawServer } from './support/fake-server.js';

// Fake engines for what a real one does not do on demand: count pings, refuse HEAD, report
// versions outside the supported range, fail the first ping.

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: FakeServer | undefined;
let transport: Transport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

async function fakeEngine(
  handler: (req: Seen, res: ServerResponse) => void,
  options: { apiVersion?: string; env?: Record<string, string> } = {},
): Promise<{ t: Transport; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = await startHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      handler(entry, res);
    });
  });
  transport = new Transport({ host: server.host, env: options.env ?? {}, ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}) });
  return { t: transport, seen };
}

function engine(apiVersion: string | undefined) {
  return (req: Seen, res: ServerResponse): void => {
    if (req.url === '/_ping') {
      if (apiVersion !== undefined) res.setHeader('API-Version', apiVersion);
      res.end(req.method === 'HEAD' ? undefined : 'OK');
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ url: req.url }));
  };
}

describe('Transport version negotiation (fake engine)', () => {
  it('shares one HEAD /_ping among concurrent first requests and prefixes every path', async () => {
    const { t, seen } = await fakeEngine(engine('1.43'));
    expect(t.apiVersion).toBeUndefined();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.request({ method: 'GET', path: `/containers/c${i}/json` }).then((r) => r.json<{ url: string }>())),
    );
    expect(answers.map((a) => a.url)).toEqual(Array.from({ length: 6 }, (_, i) => `/v1.43/containers/c${i}/json`));
    expect(seen.filter((s) => s.url === '/_ping').map((s) => s.method)).toEqual(['HEAD']);
    expect(t.apiVersion).toBe('1.43');
  });

  it('caps the version at 1.55', async () => {
    const { t } = await fakeEngine(engine('1.99'));
    expect(await t.negotiate()).toBe('1.55');
  });

  it('falls back to GET /_ping when HEAD is refused', async () => {
    const { t, seen } = await fakeEngine((req, res) => {
      if (req.method === 'HEAD') {
        res.statusCode = 405;
        res.end();
        return;
      }
      engine('1.30')(req, res);
    });
    expect(await t.negotiate()).toBe('1.30');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['HEAD /_ping', 'GET /_ping']);
  });

  it('says an engine below API 1.24 is too old', async () => {
    const { t } = await fakeEngine(engine('1.23'));
    const err = await t.request({ method: 'GET', path: '/info' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedApiVersionError);
    expect((err as Error).message).toMatch(/1\.23 is too old/);
  });

  it('does not keep a failed ping: the next request pings again', async () => {
    let pings = 0;
    const { t } = await fakeEngine((req, res) => {
      if (req.url === '/_ping' && ++pings <= 2) {
        // HEAD and its GET fallback both fail the first time.
        res.statusCode = 500;
        res.end(req.method === 'HEAD' ? undefined : '{"message":"starting up"}');
        return;
      }
      engine('1.41')(req, res);
    });
    const first = await t.request({ method: 'GET', path: '/info' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ServerError);
    expect((first as Error).message).toBe('starting up');
    const res = await t.request({ method: 'GET', path: '/info' });
    expect(await res.json()).toEqual({ url: '/v1.41/info' });
    expect(pings).toBe(3);
  });

  it('uses DOCKER_API_VERSION from the environment without pinging', async () => {
    const { t, seen } = await fakeEngine(engine('1.43'), { env: { DOCKER_API_VERSION: '1.40' } });
    expect(t.apiVersion).toBe('1.40');
    const res = await t.request({ method: 'GET', path: '/info' });
    expect(await res.json()).toEqual({ url: '/v1.40/info' });
    expect(seen.some((s) => s.url === '/_ping')).toBe(false);
  });

  it('lets the apiVersion option win over DOCKER_API_VERSION', async () => {
    const { t } = await fakeEngine(engine('1.43'), { apiVersion: '1.39', env: { DOCKER_API_VERSION: '1.40' } });
    expect(t.apiVersion).toBe('1.39');
  });
});

describe('Transport requests (fake engine)', () => {
  it('sends the User-Agent, the encoded query and a JSON body with its Content-Type', async () => {
    const { t, seen } = await fakeEngine(engine('1.41'), { apiVersion: '1.41' });
    await (await t.request({ method: 'POST', path: '/containers/create', query: { name: 'a b', x: undefined }, body: { Image: 'i' } })).dump();
    const req = seen[0];
    expect(req?.url).toBe('/v1.41/containers/create?name=a%20b');
    expect(req?.headers['user-agent']).toMatch(/^dockyard\/\d+\.\d+\.\d+/);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toBe('{"Image":"i"}');
  });

  it('lets caller headers win, whatever their case', async () => {
    const { t, seen } = await fakeEngine(engine('1.41'), { apiVersion: '1.41' });
    await (await t.request({ method: 'POST', path: '/build', body: 'tar', headers: { 'Content-Type': 'application/x-tar', 'User-Agent': 'me' } })).dump();
    expect(seen[0]?.headers['content-type']).toBe('application/x-tar');
    expect(seen[0]?.headers['user-agent']).toBe('me');
  });

  it('sends unversioned paths when asked', async () => {
    const { t, seen } = await fakeEngine(engine('1.41'));
    await (await t.request({ method: 'GET', path: '/_ping', versioned: false })).text();
    expect(seen.map((s) => s.url)).toEqual(['/_ping']);
    expect(t.apiVersion).toBeUndefined();
  });

  it('keeps a plain-text error body as the message', async () => {
    const { t } = await fakeEngine(
      (_req, res) => {
        res.statusCode = 400;
        res.setHeader('Content-Type', 'text/plain');
        res.end('page not found\n');
      },
      { apiVersion: '1.41' },
    );
    const err = await t.request({ method: 'GET', path: '/nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toBe('page not found');
    expect((err as { request?: string }).request).toBe('GET /nope');
  });

  it('streams an AsyncIterable request body', async () => {
    const { t, seen } = await fakeEngine(engine('1.41'), { apiVersion: '1.41' });
    const body = (async function* () {
      yield Buffer.from('part one, ');
      yield Buffer.from('part two');
    })();
    await (await t.request({ method: 'POST', path: '/build', body, headers: { 'content-type': 'application/x-tar' } })).dump();
    expect(seen[0]?.body).toBe('part one, part two');
  });

  it('fails with ConnectionError when the engine drops the connection in the middle of a body', async () => {
    server = await startRawServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"partial":');
        setImmediate(() => socket.destroy());
      });
    });
    transport = new Transport({ host: server.host, env: {}, apiVersion: '1.41' });
    const res = await transport.request({ method: 'GET', path: '/events' });
    const err = await (async () => {
      for await (const _ of res.body) {
        // read until it breaks
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/GET \/events/);
  });

  it('gives AbortError at once when the signal already fired, even while negotiation waits', async () => {
    const { t } = await fakeEngine(engine('1.41'));
    const controller = new AbortController();
    controller.abort(new Error('not needed'));
    const err = await t.request({ method: 'GET', path: '/info', signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toEqual(new Error('not needed'));
  });

  it('reports a missing socket as ConnectionError naming the path', async () => {
    transport = new Transport({ host: 'unix:///nonexistent/dockyard-test.sock', env: {}, apiVersion: '1.41' });
    const err = await transport.request({ method: 'GET', path: '/info' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain('/nonexistent/dockyard-test.sock');
  });

  it('fails requests after close() with ConnectionError', async () => {
    const { t } = await fakeEngine(engine('1.41'), { apiVersion: '1.41' });
    await t.close();
    await expect(t.request({ method: 'GET', path: '/info' })).rejects.toThrow(ConnectionError);
    await expect(t.hijack({ method: 'POST', path: '/exec/x/start' })).rejects.toThrow(ConnectionError);
  });
});
