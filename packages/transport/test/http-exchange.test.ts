import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, MalformedResponseError } from '../src/index.js';
import { Transport } from '../src/transport.js';
import { type FakeServer, readRequestHead, startHttpServer, startRawServer } from './support/fake-server.js';
import { rejection } from './support/rejection.js';

// dockyard's own HTTP/1.1 client (src/http) against node:http, a real HTTP/1.1 peer, for what
// the engine does not do on demand (a 100 Continue, HTTP/1.0, a request body read back), and
// against scripted bytes for the edges no server produces on purpose (a body cut short, a
// keep-alive connection closed as it is reused).

let server: FakeServer | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

const client = (s: FakeServer): Transport => {
  transport = new Transport({ host: s.host, apiVersion: '1.41', env: {} });
  return transport;
};

describe('the HTTP/1.1 client', () => {
  it('reuses one keep-alive connection for requests one after another', async () => {
    server = await startHttpServer((_req, res) => res.end('{"ok":true}'));
    const t = client(server);
    for (let i = 0; i < 5; i++) expect(await (await t.request({ method: 'GET', path: '/x' })).json()).toEqual({ ok: true });
    expect(server.connections).toBe(1);
  });

  it('opens one connection per concurrent request, and no more than maxConnections', async () => {
    server = await startHttpServer((_req, res) => setTimeout(() => res.end('x'), 20));
    const t = (transport = new Transport({ host: server.host, apiVersion: '1.41', env: {}, maxConnections: 2 }));
    const texts = await Promise.all(Array.from({ length: 6 }, async () => (await t.request({ method: 'GET', path: '/x' })).text()));
    expect(texts).toEqual(Array(6).fill('x'));
    expect(server.connections).toBe(2);
  });

  it('sends a streamed body in the chunked coding, as node:http reads it back', async () => {
    server = await startHttpServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => res.end(JSON.stringify({ te: req.headers['transfer-encoding'], body: Buffer.concat(parts).toString() })));
    });
    const t = client(server);
    async function* pieces() {
      yield Buffer.from('hello ');
      yield new Uint8Array(0);
      yield Buffer.from('world');
    }
    const res = await t.request({ method: 'POST', path: '/build', body: pieces(), headers: { 'content-type': 'application/x-tar' } });
    expect(await res.json()).toEqual({ te: 'chunked', body: 'hello world' });
    const again = await t.request({ method: 'POST', path: '/build', body: Readable.from([Buffer.from('a'), Buffer.from('b')]) });
    expect(await again.json()).toEqual({ te: 'chunked', body: 'ab' });
    expect(server.connections).toBe(1);
  });

  it('a request body that fails fails the request with its error and closes the connection', async () => {
    server = await startHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('done'));
    });
    const t = client(server);
    async function* failing() {
      yield Buffer.from('start');
      throw new Error('the tar stream broke');
    }
    const error = await rejection(t.request({ method: 'POST', path: '/build', body: failing() }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/the tar stream broke/);
  });

  it('skips a 100 Continue before the answer', async () => {
    server = await startRawServer((socket) => {
      void readRequestHead(socket).then(() => {
        socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      });
    });
    expect(await (await client(server).request({ method: 'GET', path: '/x' })).text()).toBe('ok');
  });

  it('reads an HTTP/1.0 body to the connection end, and does not reuse that connection', async () => {
    server = await startRawServer((socket) => {
      void readRequestHead(socket).then(() => socket.end('HTTP/1.0 200 OK\r\n\r\nall of it'));
    });
    const t = client(server);
    expect(await (await t.request({ method: 'GET', path: '/x' })).text()).toBe('all of it');
    expect(await (await t.request({ method: 'GET', path: '/x' })).text()).toBe('all of it');
    expect(server.connections).toBe(2);
  });

  it('a body cut short by the connection end is a ConnectionError, not a short answer', async () => {
    server = await startRawServer((socket) => {
      void readRequestHead(socket).then(() => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'));
    });
    const error = await rejection((await client(server).request({ method: 'GET', path: '/x' })).text());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/connection to the engine broke during GET \/x/);
  });

  it('a chunked body cut mid-chunk is a ConnectionError after the bytes that came', async () => {
    server = await startRawServer((socket) => {
      void readRequestHead(socket).then(() => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nabc'));
    });
    const res = await client(server).request({ method: 'GET', path: '/x' });
    const got: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const bytes of res.body) got.push(Buffer.from(bytes).toString());
      })(),
    );
    expect(got.join('')).toBe('helloabc');
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it('a malformed chunked body is a MalformedResponseError', async () => {
    server = await startRawServer((socket) => {
      void readRequestHead(socket).then(() => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
    });
    const error = await rejection((await client(server).request({ method: 'GET', path: '/x' })).text());
    expect(error).toBeInstanceOf(MalformedResponseError);
  });

  it('a keep-alive connection the server closed as it was reused: an idempotent request is retried on a new one', async () => {
    let n = 0;
    server = await startRawServer((socket) => {
      const connection = ++n;
      const answer = (): void => {
        void readRequestHead(socket).then(() => {
          // The first connection answers once, then closes as the next request arrives.
          if (connection === 1 && answered++ > 0) socket.destroy();
          else {
            socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
            socket.resume();
            answer();
          }
        });
      };
      let answered = 0;
      answer();
    });
    const t = client(server);
    expect(await (await t.request({ method: 'GET', path: '/x' })).text()).toBe('ok');
    expect(await (await t.request({ method: 'GET', path: '/x' })).text()).toBe('ok');
    expect(server.connections).toBe(2);
  });

  it('a POST on a connection that closes without answering is not sent twice: ConnectionError', async () => {
    let requests = 0;
    server = await startRawServer((socket) => {
      const answer = (): void => {
        void readRequestHead(socket).then(() => {
          requests++;
          if (requests === 2) socket.destroy();
          else {
            socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
            socket.resume();
            answer();
          }
        });
      };
      answer();
    });
    const t = client(server);
    await (await t.request({ method: 'POST', path: '/x', body: { a: 1 } })).text();
    const error = await rejection(t.request({ method: 'POST', path: '/x', body: { a: 1 } }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(requests).toBe(2);
  });

  it('Connection: close from the server closes the connection after the body', async () => {
    server = await startHttpServer((_req, res) => {
      res.setHeader('Connection', 'close');
      res.end('bye');
    });
    const t = client(server);
    expect(await (await t.request({ method: 'GET', path: '/x' })).text()).toBe('bye');
    expect(await (await t.request({ method: 'GET', path: '/x' })).text()).toBe('bye');
    expect(server.connections).toBe(2);
  });
});
