import { randomBytes } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerError, MalformedResponseError, TimeoutError, Transport } from '@dockyard/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { Docker } from '../src/index.js';
import { callJson, callUnit, streamProgress } from '../src/operation/handlers.js';

// Fake engines for edges no real engine produces on demand, through the handlers every
// operation uses: `timeout` bounds the whole of a one-shot call and the head of a stream.

let server: Server | undefined;
/** The fake engine's address, for a client of its own. */
let host = '';
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  const closing = server;
  await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
  transport = undefined;
  server = undefined;
});

/** A byte-level fake engine on a unix socket: `answer` scripts the reply to the first request. */
async function rawEngine(answer: (socket: Socket) => void, timeout: number): Promise<Transport> {
  const socketPath = join(tmpdir(), `dockyard-raw-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const sockets = new Set<Socket>();
  const listening = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => answer(socket));
  });
  listening.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => listening.listen(socketPath, resolve));
  server = listening;
  host = `unix://${socketPath}`;
  transport = new Transport({ host, env: {}, apiVersion: '1.41', timeout });
  return transport;
}

const head = (length: number) => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
const error = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

describe('handlers under a stalling or botching engine', () => {
  it('new Docker({ timeout: 500 }) against an engine that never answers: TimeoutError saying 500 ms', async () => {
    await rawEngine(() => undefined, 0);
    const docker = new Docker({ host, env: {}, timeout: 500 });
    try {
      const err = await error(docker.info());
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toContain('within 500 ms');
    } finally {
      await docker.close();
    }
  });

  it('a pull against an engine that never sends the head: TimeoutError naming the timeout', async () => {
    const t = await rawEngine(() => undefined, 300);
    const pull = streamProgress(t, { method: 'POST', path: '/images/create', query: { fromImage: 'x' } }, () => undefined);
    const err = await error((async () => {
      for await (const _ of pull) void _;
    })());
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain('300 ms');
  });

  it('callJson whose body stalls (Content-Length longer than what arrives): TimeoutError', async () => {
    const t = await rawEngine((socket) => socket.write(`${head(100)}{"Id":`), 300);
    const err = await error(callJson(t, { method: 'GET', path: '/info' }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain('300 ms');
  });

  it('callUnit whose body stalls: TimeoutError', async () => {
    const t = await rawEngine((socket) => socket.write(`${head(100)}{"Id":`), 300);
    expect(await error(callUnit(t, { method: 'POST', path: '/containers/x/start' }))).toBeInstanceOf(TimeoutError);
  });

  it('callJson of a body that is not JSON: MalformedResponseError, a DockerError', async () => {
    const t = await rawEngine((socket) => socket.end(`${head(9)}not json!`), 0);
    const err = await error(callJson(t, { method: 'GET', path: '/info' }));
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err).toBeInstanceOf(DockerError);
  });

  it('callJson of a body cut short (socket closed): a DockerError', async () => {
    const t = await rawEngine((socket) => {
      socket.write(`${head(100)}{"Id":`);
      setImmediate(() => socket.destroy());
    }, 0);
    expect(await error(callJson(t, { method: 'GET', path: '/info' }))).toBeInstanceOf(DockerError);
  });
});
