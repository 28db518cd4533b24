import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FluentServer, type FluentServerOptions } from '@fluent-org/logger';

/** One entry as FluentServer decoded it. */
export interface Received {
  tag: string;
  /** `{ epoch, nano }` for an EventTime, a number for integer seconds. */
  time: { epoch: number; nano: number } | number;
  record: Record<string, unknown>;
}

/** A real Fluent Forward receiver (`FluentServer` of @fluent-org/logger) that keeps what it got. */
export class Receiver {
  readonly entries: Received[] = [];
  /**
   * How many entries had arrived when each client connection was accepted, in order. FluentServer
   * decodes a connection's data asynchronously, so entries a closed connection sent may still
   * come in after its 'close'; a later connection's arrival is a point by which they have.
   */
  readonly entriesAtConnection: number[] = [];
  #server: FluentServer | undefined;
  #port = 0;
  readonly #sockets = new Set<Socket>();
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(readonly options: FluentServerOptions = {}) {}

  get port(): number {
    return this.#port;
  }

  /** Listens (again on the same port after a stop). */
  async start(): Promise<this> {
    const server = new FluentServer({ ...this.options, listenOptions: { host: '127.0.0.1', port: this.#port } });
    server.on('entry', (tag: string, time: Received['time'], record: Record<string, unknown>) => {
      this.entries.push({ tag, time, record });
      this.#waiters = this.#waiters.filter((w) => (this.entries.length >= w.count ? (w.resolve(), false) : true));
    });
    // Its close() only half-closes clients and waits for them: keep them to destroy on stop().
    (server as unknown as { server: Server }).server.on('connection', (socket: Socket) => {
      this.entriesAtConnection.push(this.entries.length);
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await server.listen();
    this.#server = server;
    this.#port = server.port as number;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    const closed = server?.close();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** Resolves once every client connection closed (and so everything it sent was read). */
  async noClients(): Promise<void> {
    while (this.#sockets.size > 0) await new Promise((resolve) => [...this.#sockets][0]?.once('close', resolve));
  }

  /** Resolves once at least `count` entries arrived. */
  waitFor(count: number): Promise<void> {
    if (this.entries.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  logs(): string[] {
    return this.entries.map((e) => String(e.record.log));
  }
}

/** A self-signed certificate and key for 127.0.0.1, made with openssl in a temp directory. */
export async function selfSignedCert(): Promise<{ cert: string; key: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ship-tls-'));
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=ship test receiver',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ]);
  return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
}
