import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Transport } from '../src/transport.js';
import { type TestPki, makeTestPki } from './support/tls-certs.js';

// Streams and hijacked sessions over tcp/tls can sit silent for hours (a quiet exec, a followed
// log): without TCP keep-alive a NAT or firewall drops them unnoticed. moby sets 30 s; so do we.
// The kernel says whether a socket's keep-alive timer is armed: /proc/net/tcp's `tr` column is
// 2 for it (0 = no timer). A local server plays the engine; no engine is needed.

let dir: string;
let pki: TestPki;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockyard-keepalive-'));
  pki = await makeTestPki(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: net.Server | undefined;
let transport: Transport | undefined;
const accepted = new Set<net.Socket>();
afterEach(async () => {
  await transport?.close();
  for (const socket of accepted) socket.destroy();
  accepted.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  transport = undefined;
});

/** The `tr` (timer) column of the client socket with local port `port`, from /proc/net/tcp. */
function timerOf(port: number): string | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '01') return fields[5]?.split(':')[0];
    }
  }
  return undefined;
}
const KEEPALIVE_TIMER = '02';

/** A server answering every request on a connection with `reply`, reporting each client's port. */
async function engine(kind: 'tcp' | 'tls', reply: string): Promise<{ port: number; clientPorts: number[] }> {
  const clientPorts: number[] = [];
  const onSocket = (socket: net.Socket): void => {
    accepted.add(socket);
    clientPorts.push(socket.remotePort ?? 0);
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write(reply));
  };
  server =
    kind === 'tcp'
      ? net.createServer(onSocket)
      : tls.createServer({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) }, onSocket);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, clientPorts };
}

function client(kind: 'tcp' | 'tls', port: number): Transport {
  transport = new Transport({
    host: `tcp://127.0.0.1:${port}`,
    env: {},
    apiVersion: '1.41',
    ...(kind === 'tls' ? { tls: { ca: readFileSync(pki.caCert) } } : {}),
  });
  return transport;
}

const STREAM_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
const UPGRADE_HEAD = 'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n';

describe('TCP keep-alive on engine connections', () => {
  for (const kind of ['tcp', 'tls'] as const) {
    it(`a streaming response over ${kind} runs on a socket with keep-alive armed`, async () => {
      const { port, clientPorts } = await engine(kind, STREAM_HEAD);
      const res = await client(kind, port).request({ method: 'GET', path: '/events' });
      expect(clientPorts).toHaveLength(1);
      expect(timerOf(clientPorts[0] as number)).toBe(KEEPALIVE_TIMER);
      await res.body[Symbol.asyncIterator]().return?.();
    });

    it(`a hijacked session over ${kind} runs on a socket with keep-alive armed`, async () => {
      const { port, clientPorts } = await engine(kind, UPGRADE_HEAD);
      const conn = await client(kind, port).hijack({ method: 'POST', path: '/exec/x/start', body: {} });
      expect(clientPorts).toHaveLength(1);
      expect(timerOf(clientPorts[0] as number)).toBe(KEEPALIVE_TIMER);
      conn.close();
    });
  }
});
