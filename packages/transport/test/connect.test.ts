import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import fc from 'fast-check';
import { Client } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectionFailure } from '../src/connect/connection-failure.js';
import { createConnector } from '../src/connect/connector.js';
import { openSocket } from '../src/connect/open-socket.js';
import { quoteForPosixShell, sshArguments } from '../src/connect/ssh.js';
import type { Endpoint } from '../src/endpoint.js';
import { AbortError, ConnectionError, DockerError, TimeoutError } from '../src/errors.js';
import { type UnacceptingListener, startUnacceptingListener } from './support/tcp-unaccepting-listener.js';
import { rejection } from './support/rejection.js';

const run = promisify(execFile);
const unix = (socketPath: string): Endpoint => ({ kind: 'unix', socketPath, source: 'options' });
const tcp = (port: number): Endpoint => ({ kind: 'tcp', host: '127.0.0.1', port, source: 'options' });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dockyard-connect-'));
  chmodSync(dir, 0o755); // the permission test's unprivileged child must reach into it
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});


async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('openSocket: failures become ConnectionError with a cause and what to check', () => {
  it('a missing unix socket names the path and asks whether the engine runs', async () => {
    const path = join(dir, 'no-such.sock');
    const error = await rejection(openSocket(unix(path)));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toBeInstanceOf(DockerError);
    expect(error.message).toBe(
      `Cannot connect to the Docker engine at unix://${path}: the socket does not exist. Is the engine running? Set DOCKER_HOST or a context to use another one.`,
    );
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('a socket the user may not open says permission denied and suggests the docker group', async () => {
    // Root ignores file modes, so as root the probe runs as `nobody`; otherwise as this user.
    const path = join(dir, 'locked.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    chmodSync(path, 0);
    try {
      // The probe runs as another user, who may not be able to read this checkout (a clone in a
      // folder only root can enter): it goes to the world-readable temp dir as one plain .mjs.
      const probe = join(dir, 'endpoint-connect-probe.mjs');
      await build({
        entryPoints: [join(import.meta.dirname, 'support', 'endpoint-connect-probe.ts')],
        outfile: probe,
        bundle: true,
        platform: 'node',
        format: 'esm',
        logLevel: 'silent',
      });
      chmodSync(probe, 0o644);
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const { stdout } = await run(process.execPath, [probe, path], { cwd: dir, ...asNobody });
      const outcome = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      expect(outcome).toEqual({
        ok: false,
        name: 'ConnectionError',
        causeCode: 'EACCES',
        message: `Cannot connect to the Docker engine at unix://${path}: permission denied. Add your user to the docker group (or run as a user that may open the socket), or use another endpoint.`,
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a closed TCP port says connection refused and asks whether the engine listens there', async () => {
    const port = await freePort();
    const error = await rejection(openSocket(tcp(port)));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe(`Cannot connect to the Docker engine at tcp://127.0.0.1:${port}: connection refused. Is the engine listening there?`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('a TLS endpoint that does not speak TLS fails with a message naming the TLS handshake', async () => {
    const accepted = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      accepted.add(socket);
      socket.on('error', () => {});
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const error = await rejection(openSocket({ kind: 'tcp', host: '127.0.0.1', port, tls: {}, source: 'options' }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toBe(
        `TLS handshake with tcp://127.0.0.1:${port} failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER). Check the CA, certificate and key (DOCKER_CERT_PATH, the context's TLS files or the tls option) and that the server certificate names this host.`,
      );
      expect(error.cause).toBeInstanceOf(Error);
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('unusable key material fails as TLS without echoing it', async () => {
    const error = await rejection(
      openSocket({ kind: 'tcp', host: '127.0.0.1', port: 9, tls: { cert: 'NOT-A-CERT', key: 'SECRET-NOT-A-KEY' }, source: 'options' }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/^TLS handshake with tcp:\/\/127\.0\.0\.1:9 failed/);
    expect(error.message).not.toMatch(/SECRET/);
  });
});

describe('connectionFailure: message per cause', () => {
  const errno = (code: string) => Object.assign(new Error(`connect ${code} somewhere`), { code });
  it.each([
    [unix('/run/x.sock'), 'EACCES', 'Cannot connect to the Docker engine at unix:///run/x.sock: permission denied. Add your user to the docker group'],
    [unix('/run/x.sock'), 'ECONNREFUSED', 'connection refused (a stale socket file?)'],
    [unix('/run/x.sock'), 'ENOTSOCK', 'the path is not a socket'],
    [{ kind: 'npipe', pipePath: '\\\\.\\pipe\\docker_engine', source: 'default' } as Endpoint, 'ENOENT', 'npipe:////./pipe/docker_engine: the named pipe does not exist'],
    [{ kind: 'tcp', host: 'nowhere.invalid', port: 2375, source: 'options' } as Endpoint, 'ENOTFOUND', 'the host name does not resolve (ENOTFOUND)'],
    [{ kind: 'tcp', host: '::1', port: 2375, source: 'options' } as Endpoint, 'EHOSTUNREACH', 'tcp://[::1]:2375: the host is unreachable'],
    [tcp(1), 'ECONNRESET', 'the connection was closed while connecting (ECONNRESET)'],
    [tcp(1), 'EWHATEVER', 'tcp://127.0.0.1:1: connect EWHATEVER somewhere'],
  ])('%o %s', (endpoint, code, expected) => {
    const cause = errno(code);
    const error = connectionFailure(endpoint, cause);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(expected);
    expect(error.cause).toBe(cause);
  });

  it('the TLS phase names the handshake and the certificate settings', () => {
    const cause = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(connectionFailure(tcp(2376), cause, 'tls').message).toBe(
      'TLS handshake with tcp://127.0.0.1:2376 failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE). Check the CA, certificate and key (DOCKER_CERT_PATH, the context\'s TLS files or the tls option) and that the server certificate names this host.',
    );
  });
});

describe('openSocket: connectTimeout and AbortSignal', () => {
  let listener: UnacceptingListener;
  beforeAll(async () => {
    listener = await startUnacceptingListener();
  });
  afterAll(async () => {
    await listener?.close();
  });

  // The listener's accept queue is full, so the kernel drops our SYN and connect() hangs:
  // a real connect timeout on loopback, no stub.
  it('connectTimeout gives a TimeoutError naming the endpoint', async () => {
    const error = await rejection(openSocket(tcp(listener.port), { connectTimeout: 150 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      `Connecting to the Docker engine at tcp://127.0.0.1:${listener.port} timed out after 150 ms. Is the address right and reachable?`,
    );
  });

  it('an abort during connect gives AbortError carrying the reason', async () => {
    const controller = new AbortController();
    const pending = openSocket(tcp(listener.port), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 50);
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(AbortError);
    expect((error.cause as Error).message).toBe('user gave up');
  });

  it('an already aborted signal rejects without connecting', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const path = join(dir, 'counting.sock');
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const error = await rejection(openSocket(unix(path), { signal: AbortSignal.abort() }));
      expect(error).toBeInstanceOf(AbortError);
      // A connect that did happen would show by now: prove the server still works and saw none before.
      const probe = await openSocket(unix(path));
      await new Promise((resolve) => probe.once('close', resolve));
      expect(connections).toBe(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('createConnector: undici keeps and reuses the sockets', () => {
  const path = () => join(dir, 'http.sock');
  let connections = 0;
  const server = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end(`${req.method} ${req.url}`);
  });
  server.on('connection', () => connections++);
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(path(), resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterEach(() => {
    connections = 0;
  });

  it('sequential requests through one Client share one unix connection', async () => {
    const client = new Client('http://docker', { connect: createConnector(unix(path())) });
    try {
      for (let i = 0; i < 5; i++) {
        const response = await client.request({ method: 'GET', path: `/n/${i}` });
        expect(await response.body.text()).toBe(`GET /n/${i}`);
      }
      expect(connections).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('connect errors reach the request as the ConnectionError', async () => {
    const client = new Client('http://docker', { connect: createConnector(unix(join(dir, 'absent.sock'))) });
    try {
      const error = await rejection(client.request({ method: 'GET', path: '/_ping' }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/absent\.sock: the socket does not exist/);
    } finally {
      await client.close();
    }
  });
});

describe('ssh', () => {
  it('sshArguments mirrors the docker CLI: ConnectTimeout, -T, -l, -p, --, host, dial-stdio', () => {
    expect(sshArguments({ kind: 'ssh', host: 'box', source: 'options' })).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-T',
      '--',
      'box',
      'docker system dial-stdio',
    ]);
    expect(
      sshArguments({
        kind: 'ssh',
        host: '::1',
        user: 'me',
        port: 2222,
        remoteSocketPath: '/run/user/1000/docker.sock',
        sshOptions: ['-F', '/tmp/cfg', '-o', 'ConnectTimeout=5', '-T'],
        source: 'options',
      }),
    ).toEqual(['-F', '/tmp/cfg', '-o', 'ConnectTimeout=5', '-T', '-l', 'me', '-p', '2222', '--', '::1', 'docker --host=unix:///run/user/1000/docker.sock system dial-stdio']);
    // A socket path with shell characters reaches the remote docker as one word.
    expect(sshArguments({ kind: 'ssh', host: 'box', remoteSocketPath: "/tmp/it's here.sock", source: 'options' }).at(-1)).toBe(
      "docker '--host=unix:///tmp/it'\\''s here.sock' system dial-stdio",
    );
    // connectTimeout (ms) becomes ssh's ConnectTimeout in whole seconds, unless the options name one.
    expect(sshArguments({ kind: 'ssh', host: 'box', source: 'options' }, 2500).slice(0, 2)).toEqual(['-o', 'ConnectTimeout=3']);
    expect(sshArguments({ kind: 'ssh', host: 'box', source: 'options' }, 10).slice(0, 2)).toEqual(['-o', 'ConnectTimeout=1']);
    expect(sshArguments({ kind: 'ssh', host: 'box', source: 'options', sshOptions: ['-oConnectTimeout=7'] }, 2500)).not.toContain('ConnectTimeout=3');
  });

  it('quoteForPosixShell: a real sh reads every quoted word back unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }).filter((w) => !w.includes('\0')), (word) => {
        const echoed = execFileSync('sh', ['-c', `printf '%s' ${quoteForPosixShell(word)}`], { encoding: 'utf8' });
        expect(echoed).toBe(word);
      }),
      { numRuns: 40 },
    );
  });

  it('an ssh that exits with an error fails the request with a ConnectionError carrying its stderr', async () => {
    // ProxyCommand fails before any network use: ssh reports it and exits 255.
    const endpoint: Endpoint = {
      kind: 'ssh',
      host: 'dockyard-test-host',
      user: 'me',
      source: 'options',
      sshOptions: ['-F', '/dev/null', '-o', 'ProxyCommand=sh -c "echo dockyard-proxy-refused >&2; exit 3"'],
    };
    const client = new Client('http://docker', { connect: createConnector(endpoint) });
    try {
      const error = await rejection(client.request({ method: 'GET', path: '/_ping' }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/^ssh to me@dockyard-test-host exited with code 255: /);
      expect(error.message).toContain('dockyard-proxy-refused');
      expect(error.message).toMatch(/Check that ssh can log in/);
    } finally {
      await client.close();
    }
  });

  it('destroying the socket kills the ssh process', async () => {
    const endpoint: Endpoint = {
      kind: 'ssh',
      host: 'dockyard-test-host',
      source: 'options',
      // A proxy that never answers keeps ssh waiting for the server's banner.
      sshOptions: ['-F', '/dev/null', '-o', 'ProxyCommand=sleep 60'],
    };
    const socket = (await openSocket(endpoint)) as unknown as { pid: number; destroy(): void };
    expect(isAlive(socket.pid)).toBe(true);
    const closed = new Promise((resolve) => (socket as unknown as net.Socket).once('close', resolve));
    socket.destroy();
    await closed;
    await waitUntil(() => !isAlive(socket.pid));
    expect(isAlive(socket.pid)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; it counts as gone.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}
