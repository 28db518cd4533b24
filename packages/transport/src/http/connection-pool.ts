import type { Duplex } from 'node:stream';
import { linkAbort } from '../abort-link.js';
import { type OpenSocketOptions, openSocket } from '../connect/open-socket.js';
import type { Endpoint } from '../endpoint.js';
import { AbortError, ConnectionError } from '../errors.js';
import { SocketReader } from '../read-stream.js';

/** Options of {@link ConnectionPool}. */
export interface ConnectionPoolOptions {
  /** Milliseconds to wait for a new connection (and TLS handshake); no limit when unset. */
  connectTimeout?: number | undefined;
  /** Most connections open at once; further requests wait for one to come back. No limit when unset. */
  maxConnections?: number | undefined;
  /** An idle connection is closed after this many ms. */
  keepAliveMs: number;
}

/** One keep-alive connection: its socket and the reader that reads it for its whole life. */
export interface PooledConnection {
  readonly socket: Duplex;
  readonly reader: SocketReader;
  /** It carried a request before (a stale keep-alive socket may fail before answering). */
  reused: boolean;
  /** Closes it once it has been idle `keepAliveMs` (set while it idles in the pool). */
  idleTimer?: ReturnType<typeof setTimeout> | undefined;
}

interface Waiter {
  resolve(conn: PooledConnection): void;
  reject(err: unknown): void;
  unlink(): void;
}

/**
 * The keep-alive connections of one transport (internal). {@link acquire} hands out an idle
 * connection (the most recently used first) or opens one with `openSocket`; {@link release}
 * takes back a connection whose response was read to its end; {@link discard} closes one.
 * Idle connections are unref'd (an idle pool never keeps the process alive), closed after
 * `keepAliveMs`, and dropped when the engine closes them or sends anything unasked.
 */
export class ConnectionPool {
  readonly #endpoint: Endpoint;
  readonly #options: ConnectionPoolOptions;
  readonly #open = new Set<PooledConnection>();
  readonly #idle: PooledConnection[] = [];
  readonly #waiters: Waiter[] = [];
  /** Connections being opened, counted against `maxConnections`. */
  #opening = 0;
  #closed = false;

  constructor(endpoint: Endpoint, options: ConnectionPoolOptions) {
    this.#endpoint = endpoint;
    this.#options = options;
  }

  /** Connections open right now, idle or busy. */
  get connected(): number {
    return this.#open.size;
  }

  /** An idle connection that is still fit for a request, else a new one (waiting for one under `maxConnections`). */
  acquire(signal: AbortSignal | undefined): Promise<PooledConnection> {
    if (this.#closed) return Promise.reject(new ConnectionError('this transport was closed.'));
    for (let conn = this.#idle.pop(); conn !== undefined; conn = this.#idle.pop()) {
      this.#stopTimer(conn);
      if (conn.reader.finished || conn.reader.queuedBytes > 0 || conn.socket.destroyed) {
        this.discard(conn);
        continue;
      }
      conn.reused = true;
      ref(conn.socket);
      return Promise.resolve(conn);
    }
    const max = this.#options.maxConnections;
    if (max !== undefined && this.#open.size + this.#opening >= max) return this.#wait(signal);
    return this.#connect(signal);
  }

  /** Takes back a connection whose exchange ended cleanly; it serves a waiting request or idles. */
  release(conn: PooledConnection): void {
    if (this.#closed || conn.reader.finished || conn.reader.queuedBytes > 0 || conn.socket.destroyed) {
      this.discard(conn);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter.unlink();
      conn.reused = true;
      waiter.resolve(conn);
      return;
    }
    unref(conn.socket);
    this.#idle.push(conn);
    conn.idleTimer = setTimeout(() => this.discard(conn), this.#options.keepAliveMs);
    conn.idleTimer.unref();
  }

  /** Closes a connection (after a failure, an unread body, or `Connection: close`). */
  discard(conn: PooledConnection): void {
    this.#stopTimer(conn);
    const at = this.#idle.indexOf(conn);
    if (at >= 0) this.#idle.splice(at, 1);
    conn.socket.destroy();
    if (this.#open.delete(conn)) this.#serveWaiter();
  }

  /** Closes every connection, resolving once they are closed; requests waiting for one fail with `ConnectionError`. */
  async close(): Promise<void> {
    this.#closed = true;
    const closing = [...this.#open].map((conn) => (conn.socket.closed ? undefined : new Promise((resolve) => conn.socket.once('close', resolve))));
    for (const conn of [...this.#open]) this.discard(conn);
    for (const waiter of this.#waiters.splice(0)) {
      waiter.unlink();
      waiter.reject(new ConnectionError('this transport was closed.'));
    }
    await Promise.all(closing);
  }

  async #connect(signal: AbortSignal | undefined): Promise<PooledConnection> {
    this.#opening++;
    let socket: Duplex;
    try {
      const options: OpenSocketOptions = {};
      if (this.#options.connectTimeout !== undefined) options.connectTimeout = this.#options.connectTimeout;
      if (signal !== undefined) options.signal = signal;
      socket = await openSocket(this.#endpoint, options);
    } catch (err) {
      this.#opening--;
      this.#serveWaiter();
      throw err;
    }
    this.#opening--;
    const conn: PooledConnection = { socket, reader: new SocketReader(socket), reused: false };
    if (this.#closed) {
      socket.destroy();
      throw new ConnectionError('this transport was closed.');
    }
    this.#open.add(conn);
    // Failures surface through the reader; a late one (a write to a closed socket) is no crash.
    socket.on('error', ignore);
    // An idle connection the engine closes leaves the pool at once.
    socket.once('close', () => this.discard(conn));
    return conn;
  }

  #wait(signal: AbortSignal | undefined): Promise<PooledConnection> {
    if (signal?.aborted) return Promise.reject(new AbortError('The request was aborted.', { cause: signal.reason }));
    return new Promise<PooledConnection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        unlink: linkAbort(signal, (reason) => {
          const at = this.#waiters.indexOf(waiter);
          if (at >= 0) this.#waiters.splice(at, 1);
          reject(new AbortError('The request was aborted.', { cause: reason }));
        }),
      };
      this.#waiters.push(waiter);
    });
  }

  // A connection slot came free: open one for the first waiter.
  #serveWaiter(): void {
    if (this.#closed || this.#waiters.length === 0) return;
    const max = this.#options.maxConnections;
    if (max !== undefined && this.#open.size + this.#opening >= max) return;
    const waiter = this.#waiters.shift() as Waiter;
    waiter.unlink();
    this.#connect(undefined).then(waiter.resolve, waiter.reject);
  }

  #stopTimer(conn: PooledConnection): void {
    clearTimeout(conn.idleTimer);
    conn.idleTimer = undefined;
  }
}

function ref(socket: Duplex): void {
  (socket as Duplex & { ref?: () => void }).ref?.();
}

function unref(socket: Duplex): void {
  (socket as Duplex & { unref?: () => void }).unref?.();
}

function ignore(): void {}
