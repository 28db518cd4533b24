import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, DockerError, TimeoutError } from '../src/errors.js';
import { MalformedResponseError } from '../src/hijack/protocol-errors.js';
import { Transport } from '../src/transport.js';
import { type FakeServer, readRequestHead, startRawServer } from './support/fake-server.js';
import { rejection } from './support/rejection.js';

// Fake engines for the edges no real engine produces on demand: a head that never comes, a
// body that stalls half-way with the socket left open, a body cut short, a body that is not
// JSON. `timeout` bounds the whole of a call read with json()/text()/bytes()/dump(), and only
// the head of a response whose `body` is streamed.

let server: FakeServer | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

/** A raw engine that answers every request with `answer(socket)` (pings included). */
async function rawEngine(answer: (socket: Socket, head: string) => void, options: { timeout?: number; pinned?: boolean } = {}) {
  server = await startRawServer((socket) => {
    socket.on('error', () => undefined);
    const serve = (): void => {
      void readRequestHead(socket).then(({ head }) => {
        socket.resume();
        answer(socket, head);
      });
    };
    serve();
  });
  transport = new Transport({
    host: server.host,
    env: {},
    ...(options.pinned === false ? {} : { apiVersion: '1.41' }),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  return transport;
}

const json = (body: string, length = Buffer.byteLength(body)) =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${body}`;

describe('an engine that never sends the response head', () => {
  it('request() throws TimeoutError naming the 500 ms asked for', async () => {
    const t = await rawEngine(() => undefined, { timeout: 500 });
    const err = await rejection(t.request({ method: 'GET', path: '/info' }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain('500 ms');
    expect(err.message).toContain('GET /info');
  });

  it('a per-request timeout overrides the client’s, and is the one named', async () => {
    const t = await rawEngine(() => undefined, { timeout: 60_000 });
    const err = await rejection(t.request({ method: 'GET', path: '/info', timeout: 200 }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain('200 ms');
  });

  it('the version negotiation (ping) counts within the same timeout', async () => {
    const t = await rawEngine(() => undefined, { timeout: 300, pinned: false });
    const err = await rejection(t.request({ method: 'GET', path: '/info' }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain('300 ms');
  });
});

describe('a body that stalls: Content-Length longer than what arrives, socket left open', () => {
  for (const read of ['json', 'text', 'bytes', 'dump'] as const) {
    it(`${read}() throws TimeoutError within the call's timeout`, async () => {
      const t = await rawEngine((socket) => socket.write(json('{"partial":', 100)), { timeout: 300 });
      const res = await t.request({ method: 'GET', path: '/info' });
      const err = await rejection(res[read]());
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.message).toContain('300 ms');
    });
  }

  it('a streamed body is never timed out: it waits past the timeout for the rest', async () => {
    let engineSocket: Socket | undefined;
    const t = await rawEngine((socket) => {
      engineSocket = socket;
      socket.write(json('{"a":', 9));
    }, { timeout: 100 });
    const res = await t.request({ method: 'GET', path: '/events' });
    const reader = res.body[Symbol.asyncIterator]();
    expect(Buffer.from((await reader.next()).value ?? []).toString()).toBe('{"a":');
    const rest = reader.next();
    // Long after the 100 ms: the body is still open and the rest arrives.
    await new Promise((r) => setTimeout(r, 400));
    engineSocket?.write('1}\n\n');
    expect(Buffer.from((await rest).value ?? []).toString()).toBe('1}\n\n');
  });
});

describe('a body the engine botched', () => {
  it('shorter than its Content-Length (socket closed): a ConnectionError, not a SyntaxError', async () => {
    const t = await rawEngine((socket) => {
      socket.write(json('{"partial":', 100));
      setImmediate(() => socket.destroy());
    });
    const res = await t.request({ method: 'GET', path: '/info' });
    const err = await rejection(res.json());
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toContain('GET /info');
  });

  it('not JSON: a MalformedResponseError (a DockerError) quoting its start', async () => {
    const t = await rawEngine((socket) => socket.end(json('<html>proxy error</html>')));
    const res = await t.request({ method: 'GET', path: '/info' });
    const err = await rejection(res.json());
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err).toBeInstanceOf(DockerError);
    expect(err.message).toContain('GET /info');
    expect(err.message).toContain('<html>proxy error');
  });
});
