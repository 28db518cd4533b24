import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, NotFoundError, ServerError } from '../src/errors.js';
import type { HijackedConnection } from '../src/hijack/hijacked-connection.js';
import { MalformedResponseError, ResponseHeadTooLargeError } from '../src/hijack/protocol-errors.js';
import { TAKE_QUEUED } from '../src/read-stream.js';
import { Transport } from '../src/transport.js';
import { type FakeServer, readRequestHead, startRawServer } from './support/fake-server.js';

// Fake engines for the hijack edges a real engine does not produce on demand.

const UPGRADE_HEAD = 'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n';

let server: FakeServer | undefined;
let transport: Transport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

async function fakeEngine(script: (socket: Socket, head: string, body: Buffer) => void | Promise<void>, apiVersion = '1.41') {
  server = await startRawServer((socket) => {
    socket.on('error', () => undefined);
    void readRequestHead(socket).then(({ head, rest }) => script(socket, head, rest));
  });
  transport = new Transport({ host: server.host, env: {}, apiVersion });
  return transport;
}

async function readAll(conn: HijackedConnection): Promise<{ chunks: Buffer[]; text: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of conn.output) chunks.push(Buffer.from(chunk));
  return { chunks, text: Buffer.concat(chunks).toString() };
}

const execStart = { method: 'POST', path: '/exec/abc/start', body: { Detach: false, Tty: false } } as const;

describe('hijack against a fake engine', () => {
  it('writes an upgrade request head with the JSON body', async () => {
    let seen: { head: string; body: Buffer } | undefined;
    const t = await fakeEngine((socket, head, body) => {
      seen = { head, body };
      socket.end(UPGRADE_HEAD);
    });
    const conn = await t.hijack({ ...execStart, query: { x: true } });
    await readAll(conn);
    const lines = seen?.head.split('\r\n') ?? [];
    expect(lines[0]).toBe('POST /v1.41/exec/abc/start?x=1 HTTP/1.1');
    expect(lines).toContain('Connection: Upgrade');
    expect(lines).toContain('Upgrade: tcp');
    expect(lines).toContain('Content-Type: application/json');
    expect(lines).toContain('Content-Length: 28');
    expect(lines.some((l) => /^User-Agent: dockyard\/\d+\.\d+\.\d+/.test(l))).toBe(true);
    expect(seen?.body.toString()).toBe('{"Detach":false,"Tty":false}');
  });

  it('keeps the bytes that came after the 101 header block as the first output chunk', async () => {
    const t = await fakeEngine((socket) => {
      socket.write(`${UPGRADE_HEAD}first-bytes`);
      // The rest only once the client asks: the first chunk cannot have been merged with it.
      socket.once('data', () => socket.end('then-more'));
      socket.resume();
    });
    const conn = await t.hijack(execStart);
    expect(conn.statusCode).toBe(101);
    const chunks: string[] = [];
    for await (const chunk of conn.output) {
      chunks.push(Buffer.from(chunk).toString());
      if (chunks.length === 1) await conn.write('go');
    }
    expect(chunks[0]).toBe('first-bytes');
    expect(chunks.join('')).toBe('first-bytesthen-more');
  });

  it('parses a response head written one byte per write', async () => {
    const t = await fakeEngine(async (socket) => {
      for (const byte of Buffer.from(`${UPGRADE_HEAD}ok`)) {
        socket.write(Uint8Array.of(byte));
        await nextTurn();
      }
      socket.end();
    });
    const conn = await t.hijack(execStart);
    expect(conn.headers.upgrade).toBe('tcp');
    expect((await readAll(conn)).text).toBe('ok');
  });

  it('fails with ConnectionError when the connection is cut in the middle of the header block', async () => {
    const t = await fakeEngine((socket) => {
      socket.end('HTTP/1.1 101 UPGRADED\r\nContent-Type: appl');
    });
    const err = await t.hijack(execStart).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/in the middle of the response headers/);
    await expect.poll(() => t.openSockets).toBe(0);
  });

  it('fails with ConnectionError when the engine closes without answering', async () => {
    const t = await fakeEngine((socket) => {
      socket.destroy();
    });
    await expect(t.hijack(execStart)).rejects.toThrow(ConnectionError);
  });

  it('fails with MalformedResponseError on a garbage status line', async () => {
    const t = await fakeEngine((socket) => {
      socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n');
    });
    await expect(t.hijack(execStart)).rejects.toThrow(MalformedResponseError);
  });

  it('fails with ResponseHeadTooLargeError on an endless header block, without waiting for the end', async () => {
    const t = await fakeEngine((socket) => {
      socket.write('HTTP/1.1 101 UPGRADED\r\n');
      // 80 KiB of headers and no blank line; the socket stays open.
      for (let i = 0; i < 800; i++) socket.write(`X-Filler-${i}: ${'a'.repeat(90)}\r\n`);
    });
    await expect(t.hijack(execStart)).rejects.toThrow(ResponseHeadTooLargeError);
    await expect.poll(() => server?.open).toBe(0);
  });

  it('maps an error status to the DockerError with the JSON message (Content-Length body)', async () => {
    const t = await fakeEngine((socket) => {
      const body = '{"message":"No such exec instance: abc"}\n';
      socket.write(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      // Keep-alive: the socket stays open, so the body must be read by its length.
    });
    const err = await t.hijack(execStart).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('No such exec instance: abc');
  });

  it('maps an error status with a chunked body', async () => {
    const t = await fakeEngine((socket) => {
      socket.write('HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.write('b\r\n{"message":\r\n');
      socket.write('11\r\n"engine exploded"\r\n');
      socket.write('1\r\n}\r\n0\r\n\r\n');
    });
    const err = await t.hijack(execStart).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('engine exploded');
  });

  it('treats a 200 as hijacked and stops at its Content-Length when it has one', async () => {
    const t = await fakeEngine((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nContent-Length: 5\r\n\r\nhello');
    });
    const conn = await t.hijack(execStart);
    expect(conn.statusCode).toBe(200);
    expect((await readAll(conn)).text).toBe('hello');
  });

  it('hands out chunks already received synchronously (TAKE_QUEUED), and still stops at Content-Length', async () => {
    const t = await fakeEngine(async (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nContent-Length: 9\r\n\r\n');
      await nextTurn();
      for (const part of ['abc', 'def', 'ghiEXTRA']) {
        socket.write(part);
        await nextTurn();
      }
    });
    const conn = await t.hijack(execStart);
    const it = conn.output[Symbol.asyncIterator]() as AsyncIterator<Uint8Array> & Record<symbol, () => Uint8Array | undefined>;
    const take = it[TAKE_QUEUED]!;
    const first = await it.next();
    // Let the rest arrive and wait in the reader's queue.
    for (let i = 0; i < 5; i++) await nextTurn();
    const taken: string[] = [];
    for (let c = take(); c !== undefined; c = take()) taken.push(Buffer.from(c).toString());
    const rest: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(Buffer.from(r.value).toString());
    expect([first.done ? '' : Buffer.from(first.value).toString(), ...taken, ...rest].join('')).toBe('abcdefghi');
    expect(taken.length).toBeGreaterThan(0);
  });

  it('echoes what is written and keeps reading after end() half-closes', async () => {
    const t = await fakeEngine((socket, _head, rest) => {
      socket.write(UPGRADE_HEAD);
      socket.write(rest.subarray(28));
      socket.on('data', (chunk) => socket.write(chunk));
      // Answer the half-close only after it arrived, as `cat` does.
      socket.on('end', () => socket.end('<eof>'));
      socket.resume();
    });
    const conn = await t.hijack(execStart);
    const reading = readAll(conn);
    const payload = Buffer.alloc(512 * 1024, 'x');
    for (let i = 0; i < payload.length; i += 16 * 1024) await conn.write(payload.subarray(i, i + 16 * 1024));
    await conn.write('tail');
    await conn.end();
    const { text } = await reading;
    expect(text.length).toBe(payload.length + 4 + 5);
    expect(text.endsWith('tail<eof>')).toBe(true);
    await expect(conn.write('late')).rejects.toThrow(ConnectionError);
  });

  it('write() waits for the socket to drain while the engine does not read', async () => {
    let engineSocket: Socket | undefined;
    let received = 0;
    const t = await fakeEngine((socket) => {
      engineSocket = socket;
      socket.write(UPGRADE_HEAD);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      socket.pause(); // not reading: the client's writes back up
    });
    const conn = await t.hijack(execStart);
    const big = Buffer.alloc(8 * 1024 * 1024, 'y'); // far more than socket buffers hold
    let settled = false;
    const writing = conn.write(big).then(() => {
      settled = true;
    });
    await nextTurn();
    await nextTurn();
    expect(settled).toBe(false);
    engineSocket?.resume();
    await writing;
    expect(settled).toBe(true);
    await expect.poll(() => received).toBe(big.length); // the JSON body came with the head
    conn.close();
  });

  it('throws AbortError from output when the signal fires mid-stream', async () => {
    const t = await fakeEngine((socket) => {
      socket.write(`${UPGRADE_HEAD}partial`);
    });
    const controller = new AbortController();
    const conn = await t.hijack({ ...execStart, signal: controller.signal });
    const chunks: string[] = [];
    const err = await (async () => {
      for await (const chunk of conn.output) {
        chunks.push(Buffer.from(chunk).toString());
        controller.abort(new Error('stop'));
      }
    })().catch((e: unknown) => e);
    expect(chunks).toEqual(['partial']);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toEqual(new Error('stop'));
  });

  it('ends output quietly and closes the socket on break', async () => {
    const t = await fakeEngine((socket) => {
      socket.write(`${UPGRADE_HEAD}one`);
    });
    const conn = await t.hijack(execStart);
    for await (const _ of conn.output) break;
    await expect.poll(() => server?.open).toBe(0);
    expect(t.openSockets).toBe(0);
  });

  it('reports mediaType from the Content-Type and the API version', async () => {
    const raw = 'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n';
    const mux = 'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n\r\n';
    const cases: Array<[string, string, HijackedConnection['mediaType']]> = [
      [raw, '1.41', 'unknown'],
      [raw, '1.42', 'raw'],
      [mux, '1.44', 'multiplexed'],
    ];
    for (const [head, version, expected] of cases) {
      const t = await fakeEngine((socket) => void socket.end(head), version);
      const conn = await t.hijack(execStart);
      expect(conn.mediaType).toBe(expected);
      conn.close();
      await t.close();
      await server?.close();
    }
  });
});
