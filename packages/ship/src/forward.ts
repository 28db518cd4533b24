import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { hostname as osHostname } from 'node:os';
import tls from 'node:tls';
import { gzipSync } from 'node:zlib';
import { AbortError } from 'dockyard';
import {
  encodeEntryShared,
  encodeMessage,
  encodePackedForward,
  entryTimeSize,
  type EventTimeMode,
  MessageReader,
  packedForwardHeadSize,
  type RecordTemplate,
  templateValueSize,
  writeEntryTime,
  writePackedForwardHead,
  writeStringEntry,
  writeTemplateValue,
} from './codec.js';
import { ForwardAuthError, ForwardDecodeError, ForwardError } from './errors.js';
import type { EventTime } from './event-time.js';
import { checkTagTemplate, DEFAULT_TAG } from './driver-record.js';
import { Handshake } from './handshake.js';

/** Options of {@link forward}. */
export interface ForwardOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 24224. */
  port?: number;
  /**
   * Tag template of Docker's fluentd driver, used by `ship()` for each container:
   * `{{.ID}}` (default, 12 characters), `{{.FullID}}`, `{{.Name}}`, `{{.ImageName}}`,
   * `{{.ImageID}}`, `{{.DaemonName}}`.
   */
  tag?: string;
  /** Container labels added to each record, as the driver's `labels` log option. */
  labels?: string[];
  /** Container labels matching this regular expression added to each record (`labels-regex`). */
  labelsRegex?: string;
  /** Container environment variables added to each record (`env`). */
  env?: string[];
  /** Environment variables matching this regular expression added to each record (`env-regex`). */
  envRegex?: string;
  /** Ask the receiver to ack every batch (`chunk` option); a batch counts as sent only once acked. */
  ack?: boolean;
  /** Gzip each batch (one gzip member, `compressed: 'gzip'`). */
  compress?: 'gzip';
  /** Connect with TLS: `true`, or Node's TLS options (`ca`, `servername`, `rejectUnauthorized`, ...). */
  tls?: boolean | tls.ConnectionOptions;
  /** Shared key of the HELO/PING/PONG handshake; the receiver's PONG digest is verified. */
  sharedKey?: string;
  /** User of the handshake, when the receiver asks for one. */
  username?: string;
  password?: string;
  /** This side's hostname in the handshake; default `os.hostname()`. */
  hostname?: string;
  /** Batch bounds: whichever comes first seals a batch. Defaults 1000 records, 512 KiB, 100 ms. */
  batch?: { records?: number; bytes?: number; delayMs?: number };
  /** `'seconds'`: integer times for receivers older than Fluentd 0.14; default EventTime (nanoseconds). */
  eventTime?: 'seconds' | 'event-time';
  /** Bytes accepted but not yet acked before `write()` returns false; default 8 MiB. */
  maxPendingBytes?: number;
  /** Reconnect backoff: doubles from `initialDelayMs` (100) up to `maxDelayMs` (10 000). */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** A batch not acked this long after it was written is resent on a new connection; default 60 000. */
  ackTimeoutMs?: number;
  /** Connect plus handshake within this; default 10 000. */
  connectTimeoutMs?: number;
  /** Aborting it stops the sender: pending sends reject with `AbortError`. */
  signal?: AbortSignal;
}

/**
 * Called once per record: without an error when its batch was acked (or written, without
 * `ack`), with the `token` given to `write()` (one callback can then serve many records).
 * `records` is 1 for `write()`; `ship()`'s own path has one call stand for several records
 * (`writeTemplated`, internal).
 */
export type SendCallback = (error?: Error, token?: unknown, records?: number) => void;

/** Counters of a {@link ForwardSender}. */
export interface ForwardStats {
  /** Records acked (or written, without `ack`). */
  records: number;
  /** Encoded entry bytes acked. */
  bytes: number;
  /** Batches written again on a new connection. */
  resent: number;
  /** Connections made (handshake included). */
  connections: number;
  /** Bytes accepted and not yet acked. */
  pendingBytes: number;
  /** Connected and past the handshake. */
  connected: boolean;
  /** The last connection error, while not connected. */
  lastError: Error | undefined;
}

interface Batch {
  tag: string;
  /**
   * The message being built: `start` bytes kept free for the PackedForward head (written at
   * seal, so the entries are never copied into a message of their own), then the entries.
   */
  buffer: Buffer;
  start: number;
  /** Entry bytes so far. */
  size: number;
  count: number;
  /**
   * Whom to tell when the batch is acked, in write order: runs of records, each a callback,
   * the token of its last record and how many records it stands for. Per record for
   * `write()`; `writeTemplated()` extends the last run when it has the same callback, so a
   * container's thousands of unacked records hold no object each (they would outlive the
   * young generation and fill the old one).
   */
  callbacks: SendCallback[];
  tokens: unknown[];
  counts: number[];
  /** The last run may take more records (it was made by `writeTemplated()`). */
  openRun: boolean;
  /** The whole message once sealed. */
  message?: Uint8Array;
  /** Written on more than one connection (a write to a dead one may not be over yet). */
  resent?: boolean;
  chunk?: string;
  /** The connection it was last written on (undefined: to be written). */
  sentOn?: Connection;
  done: boolean;
  ackTimer?: NodeJS.Timeout;
}

interface Connection {
  socket: net.Socket;
  ready: boolean;
}

const DEFAULT_BATCH = { records: 1000, bytes: 512 * 1024, delayMs: 100 };

/**
 * A Fluent Forward sender: PackedForward batches, optional acks, gzip, TLS and the shared-key
 * handshake, with reconnects. Made by {@link forward}.
 */
export class ForwardSender {
  readonly options: ForwardOptions;
  readonly #open = new Map<string, Batch>();
  /** Sealed batches in order; the head is the oldest not yet done. */
  readonly #queue: Batch[] = [];
  readonly #byChunk = new Map<string, Batch>();
  readonly #batch: Required<NonNullable<ForwardOptions['batch']>>;
  readonly #mode: EventTimeMode;
  readonly #maxPending: number;
  #timer: NodeJS.Timeout | undefined;
  #connection: Connection | undefined;
  #connecting = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #delay: number;
  #fatal: Error | undefined;
  #closed = false;
  #drainWaiters: Array<() => void> = [];
  /** Buffers of acked batches, for the next ones. */
  readonly #spare: Buffer[] = [];
  #idleWaiters: Array<() => void> = [];
  readonly #stats: ForwardStats = { records: 0, bytes: 0, resent: 0, connections: 0, pendingBytes: 0, connected: false, lastError: undefined };

  constructor(options: ForwardOptions = {}) {
    this.options = options;
    this.#batch = { ...DEFAULT_BATCH, ...options.batch };
    for (const [name, value] of Object.entries(this.#batch)) {
      if (!Number.isSafeInteger(value) || value < (name === 'delayMs' ? 0 : 1)) throw new RangeError(`batch.${name} must be a positive integer, got ${value}`);
    }
    if ((options.username === undefined) !== (options.password === undefined)) throw new TypeError('forward: username and password go together');
    if (options.username !== undefined && options.sharedKey === undefined) throw new TypeError('forward: username/password need a sharedKey (the handshake carries them)');
    checkTagTemplate(options.tag ?? DEFAULT_TAG);
    this.#mode = options.eventTime === 'seconds' ? 'seconds' : 'event-time';
    this.#maxPending = options.maxPendingBytes ?? 8 * 1024 * 1024;
    this.#delay = options.reconnect?.initialDelayMs ?? 100;
    options.signal?.addEventListener('abort', () => this.destroy(new AbortError('forward: aborted')), { once: true });
    if (options.signal?.aborted) this.destroy(new AbortError('forward: aborted'));
  }

  /** Counters and connection state. */
  get stats(): ForwardStats {
    return { ...this.#stats };
  }

  /** The error that stopped the sender for good (a refused handshake, an untrusted certificate, an abort). */
  get failed(): Error | undefined {
    return this.#fatal;
  }

  /** More bytes are pending than `maxPendingBytes`: wait for {@link ForwardSender.drain} before writing more. */
  get full(): boolean {
    return this.#stats.pendingBytes >= this.#maxPending;
  }

  /**
   * Queues one record; `callback` runs once its batch is acked (or written, without `ack`), in
   * the order records were written. Returns false when the pending window is full.
   */
  write(tag: string, time: EventTime, record: Record<string, unknown>, callback?: SendCallback, token?: unknown): boolean {
    if (this.#fatal) {
      callback?.(this.#fatal, token);
      return false;
    }
    if (this.#closed) throw new ForwardError('forward: write after close()');
    let batch = this.#open.get(tag);
    // The hot path writes straight into the batch; a record with non-string values goes
    // through the general encoder.
    let end = batch ? writeStringEntry(batch.buffer, entriesEnd(batch), time, record, this.#mode) : -1;
    let entry: Uint8Array | undefined;
    let length: number;
    if (batch && end >= 0) length = end - entriesEnd(batch);
    else {
      entry = encodeEntryShared(time, record, this.#mode).slice();
      length = entry.byteLength;
    }
    if (batch && batch.size > 0 && batch.size + length > this.#batch.bytes) {
      // It goes into the next batch: this one stays under the byte bound.
      if (end >= 0) entry = Buffer.from(batch.buffer.subarray(entriesEnd(batch), end));
      end = -1;
      this.#seal(batch);
      batch = undefined;
    }
    if (!batch) batch = this.#newBatch(tag, length);
    if (end < 0) {
      growFor(batch, length);
      batch.buffer.set(entry as Uint8Array, entriesEnd(batch));
    }
    return this.#added(batch, length, callback, token);
  }

  /**
   * {@link ForwardSender.write} for a record made from a template (see `recordTemplate`): its
   * fixed fields pre-encoded once, only `value` encoded per record. The same bytes as `write()`
   * of the whole record; `ship()` sends each container's lines this way. `value` as bytes is
   * sent as they are, as a MessagePack str (the engine's UTF-8, as Docker's fluentd driver does).
   * Consecutive records of one batch with the same `callback` are acked by one call: with the
   * last one's `token`, and `records` saying how many it stands for.
   *
   * @internal `ship()`'s fast path; use {@link ForwardSender.write}.
   */
  writeTemplated(tag: string, time: EventTime, template: RecordTemplate, value: string | Uint8Array, callback?: SendCallback, token?: unknown): boolean {
    if (this.#fatal) {
      callback?.(this.#fatal, token);
      return false;
    }
    if (this.#closed) throw new ForwardError('forward: write after close()');
    const bytes = typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
    const length = entryTimeSize(time, this.#mode) + template.head.byteLength + templateValueSize(bytes) + template.tail.byteLength;
    let batch = this.#open.get(tag);
    if (batch && batch.size > 0 && batch.size + length > this.#batch.bytes) {
      this.#seal(batch);
      batch = undefined;
    }
    if (!batch) batch = this.#newBatch(tag, length);
    growFor(batch, length);
    const buffer = batch.buffer;
    let at = writeEntryTime(buffer, entriesEnd(batch), time, this.#mode);
    buffer.set(template.head, at);
    at = writeTemplateValue(buffer, at + template.head.byteLength, value, bytes);
    buffer.set(template.tail, at);
    return this.#added(batch, length, callback, token, true);
  }

  // Counts a record just written at the batch's end; seals the batch once a bound is reached.
  // `merge`: the record may join the last run of records with the same callback.
  #added(batch: Batch, length: number, callback: SendCallback | undefined, token: unknown, merge = false): boolean {
    batch.size += length;
    batch.count++;
    const cb = callback ?? noop;
    const last = batch.callbacks.length - 1;
    if (merge && batch.openRun && batch.callbacks[last] === cb) {
      batch.tokens[last] = token;
      batch.counts[last] = (batch.counts[last] as number) + 1;
    } else {
      batch.callbacks.push(cb);
      batch.tokens.push(token);
      batch.counts.push(1);
      batch.openRun = merge;
    }
    this.#stats.pendingBytes += length;
    if (batch.count >= this.#batch.records || batch.size >= this.#batch.bytes) this.#seal(batch);
    return !this.full;
  }

  #newBatch(tag: string, length: number): Batch {
    // Small to start (it doubles as it fills): with a tag per container, hundreds are open at once.
    const start = packedForwardHeadSize(tag);
    // A buffer of an acked batch if one is spare (no new memory per batch), else a new one.
    const room = start + Math.max(4 * 1024, Math.min(this.#batch.bytes, length * 16));
    const spare = this.#spare.at(-1);
    const buffer = spare !== undefined && spare.byteLength >= room ? (this.#spare.pop() as Buffer) : Buffer.allocUnsafe(room);
    const batch: Batch = { tag, buffer, start, size: 0, count: 0, callbacks: [], tokens: [], counts: [], openRun: false, done: false };
    this.#open.set(tag, batch);
    this.#timer ??= setTimeout(() => this.#sealAll(), this.#batch.delayMs);
    return batch;
  }

  /** {@link ForwardSender.write} as a promise: resolves once the record's batch was acked. */
  send(tag: string, time: EventTime, record: Record<string, unknown>): Promise<void> {
    return new Promise((resolve, reject) => this.write(tag, time, record, (err) => (err ? reject(err) : resolve())));
  }

  /** Resolves when fewer than `maxPendingBytes` are pending (at once if so already). */
  drain(): Promise<void> {
    if (!this.full || this.#fatal) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Seals the open batches and resolves once everything written so far is acked; rejects if the sender failed. */
  async flush(): Promise<void> {
    this.#sealAll();
    if (this.#queue.length > 0 && !this.#fatal) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    if (this.#fatal && !(this.#fatal instanceof AbortError && this.#queue.length === 0)) throw this.#fatal;
  }

  /** Flushes, then closes the connection. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      this.destroy();
    }
  }

  /** Stops at once: unacked records' callbacks get `error` (default `AbortError`), the connection is closed. */
  destroy(error: Error = new AbortError('forward: closed before the receiver acked')): void {
    this.#closed = true;
    this.#fail(error);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #sealAll(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const batch of [...this.#open.values()]) this.#seal(batch);
  }

  #seal(batch: Batch): void {
    this.#open.delete(batch.tag);
    if (this.#open.size === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const entries: Uint8Array = batch.buffer.subarray(batch.start, entriesEnd(batch));
    const options: { size: number; chunk?: string; compressed?: 'gzip' } = { size: batch.count };
    if (this.options.ack) {
      batch.chunk = randomBytes(16).toString('base64');
      options.chunk = batch.chunk;
      this.#byChunk.set(batch.chunk, batch);
    }
    if (this.options.compress === 'gzip') {
      options.compressed = 'gzip';
      batch.message = encodePackedForward(batch.tag, gzipSync(entries), options);
      this.#recycle(batch);
    } else {
      // The head goes into the room left before the entries, the options after them.
      const tail = encodeMessage(options);
      growFor(batch, tail.byteLength);
      writePackedForwardHead(batch.buffer, batch.tag, batch.size);
      batch.buffer.set(tail, entriesEnd(batch));
      batch.message = batch.buffer.subarray(0, entriesEnd(batch) + tail.byteLength);
    }
    this.#queue.push(batch);
    this.#pump();
  }

  /** Writes every batch not yet written on the current connection, in order; connects if needed. */
  #pump(): void {
    if (this.#fatal || this.#queue.length === 0) return;
    const connection = this.#connection;
    if (!connection) {
      this.#connect();
      return;
    }
    if (!connection.ready) return;
    for (const batch of this.#queue) {
      if (batch.done || batch.sentOn === connection) continue;
      if (batch.sentOn !== undefined) {
        this.#stats.resent++;
        batch.resent = true;
      }
      batch.sentOn = connection;
      const message = batch.message as Uint8Array;
      connection.socket.write(message, (err) => {
        // A write into a connection that died is not sent: the close handler requeues it.
        if (err || this.options.ack || batch.sentOn !== connection) return;
        this.#complete(batch);
      });
      if (this.options.ack) {
        batch.ackTimer = setTimeout(() => {
          if (!batch.done && batch.sentOn === connection) connection.socket.destroy(new ForwardError(`no ack for chunk ${batch.chunk} within ${this.options.ackTimeoutMs ?? 60_000} ms`));
        }, this.options.ackTimeoutMs ?? 60_000);
        batch.ackTimer.unref();
      }
    }
  }

  #connect(): void {
    if (this.#connecting || this.#reconnectTimer || this.#fatal) return;
    this.#connecting = true;
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port ?? 24224;
    const socket = this.options.tls
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...(this.options.tls === true ? {} : this.options.tls) })
      : net.connect({ host, port });
    socket.setNoDelay(true);
    const connection: Connection = { socket, ready: false };
    this.#connection = connection;
    const reader = new MessageReader();
    const handshake = this.options.sharedKey === undefined ? undefined : new Handshake({
      sharedKey: this.options.sharedKey,
      hostname: this.options.hostname ?? osHostname(),
      username: this.options.username,
      password: this.options.password,
    });
    let phase: 'connect' | 'helo' | 'pong' | 'ready' = 'connect';
    const timeout = setTimeout(() => socket.destroy(new ForwardError(`forward: no connection to ${host}:${port} within ${this.options.connectTimeoutMs ?? 10_000} ms`)), this.options.connectTimeoutMs ?? 10_000);
    const ready = (): void => {
      clearTimeout(timeout);
      phase = 'ready';
      connection.ready = true;
      this.#connecting = false;
      this.#stats.connections++;
      this.#stats.connected = true;
      this.#stats.lastError = undefined;
      this.#delay = this.options.reconnect?.initialDelayMs ?? 100;
      this.#pump();
    };
    socket.once(this.options.tls ? 'secureConnect' : 'connect', () => {
      if (handshake) phase = 'helo';
      else ready();
    });
    socket.on('data', (data: Buffer) => {
      try {
        for (const message of reader.push(data)) {
          if (phase === 'helo') {
            socket.write(encodeMessage(handshake?.ping(message)));
            phase = 'pong';
          } else if (phase === 'pong') {
            handshake?.checkPong(message);
            ready();
          } else if (phase === 'ready' && isAck(message)) {
            this.#acked(message.ack, connection);
          } else if (isHelo(message) && !handshake) {
            throw new ForwardAuthError('the receiver asks for a handshake (HELO): set sharedKey');
          } else {
            throw new ForwardDecodeError('unexpected message from the receiver');
          }
        }
      } catch (err) {
        socket.destroy(err as Error);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A certificate the sender does not trust is a configuration error no retry fixes.
      if (err.code !== undefined && CERTIFICATE_ERRORS.has(err.code)) {
        err = new ForwardError(`forward: TLS: the receiver's certificate is not trusted (${err.code}): ${err.message}`, { cause: err });
        this.#stats.lastError = err;
        this.#fail(err);
        return;
      }
      this.#stats.lastError = err;
    });
    socket.on('close', () => {
      clearTimeout(timeout);
      const error = this.#stats.lastError;
      if (this.#connection === connection) this.#connection = undefined;
      this.#connecting = false;
      this.#stats.connected = false;
      for (const batch of this.#queue) {
        if (batch.sentOn === connection) {
          batch.sentOn = batch.sentOn && !batch.done ? NOT_ON_ANY : batch.sentOn;
          clearTimeout(batch.ackTimer);
        }
      }
      if (error instanceof ForwardAuthError) {
        this.#fail(error);
        return;
      }
      if (phase !== 'ready' && !error) this.#stats.lastError = new ForwardError(`forward: ${host}:${port} closed the connection during the ${phase === 'connect' ? 'connect' : 'handshake'}`);
      if (this.#closed || this.#fatal) return;
      if (this.#queue.length > 0 || this.#open.size > 0) this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer) return;
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.options.reconnect?.maxDelayMs ?? 10_000);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#pump();
    }, delay);
  }

  #acked(chunk: string, connection: Connection): void {
    const batch = this.#byChunk.get(chunk);
    if (!batch || batch.sentOn !== connection) return; // an ack for another connection's write: it is resent anyway
    clearTimeout(batch.ackTimer);
    this.#complete(batch);
  }

  /** Marks a batch done and runs the callbacks of the done prefix of the queue, in order. */
  #complete(batch: Batch): void {
    batch.done = true;
    if (batch.chunk) this.#byChunk.delete(batch.chunk);
    while (this.#queue.length > 0 && (this.#queue[0] as Batch).done) {
      const head = this.#queue.shift() as Batch;
      const bytes = head.message?.byteLength ?? 0;
      this.#stats.records += head.count;
      this.#stats.bytes += bytes;
      this.#stats.pendingBytes -= pendingOf(head);
      head.message = undefined;
      // Acked (or, without acks, flushed): nothing reads its buffer any more, unless a write to
      // a dead connection may still hold it.
      if (head.resent) head.buffer = EMPTY;
      else this.#recycle(head);
      runCallbacks(head, undefined);
    }
    this.#wake();
  }

  /** Keeps a done batch's buffer for a next batch (a few at most). */
  #recycle(batch: Batch): void {
    const buffer = batch.buffer;
    batch.buffer = EMPTY;
    if (buffer !== EMPTY && this.#spare.length < MAX_SPARE_BUFFERS) this.#spare.push(buffer);
  }

  #wake(): void {
    if (!this.full || this.#fatal) for (const resolve of this.#drainWaiters.splice(0)) resolve();
    if (this.#queue.length === 0 || this.#fatal) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #fail(error: Error): void {
    if (this.#fatal) return;
    this.#fatal = error;
    clearTimeout(this.#timer);
    clearTimeout(this.#reconnectTimer);
    const batches = [...this.#queue.splice(0), ...this.#open.values()];
    this.#open.clear();
    this.#byChunk.clear();
    for (const batch of batches) {
      clearTimeout(batch.ackTimer);
      runCallbacks(batch, error);
    }
    this.#stats.pendingBytes = 0;
    this.#connection?.socket.destroy();
    this.#wake();
  }
}

/** Calls a batch's callbacks in write order: once per record for `write()`, once per run for `writeTemplated()`. */
function runCallbacks(batch: Batch, error: Error | undefined): void {
  const { callbacks, tokens, counts } = batch;
  for (let i = 0; i < callbacks.length; i++) (callbacks[i] as SendCallback)(error, tokens[i], counts[i]);
}

/** Bytes a sealed batch counted against the window (its entries before compression). */
function pendingOf(batch: Batch): number {
  return batch.size;
}

const EMPTY = Buffer.alloc(0);
/** Spare batch buffers kept at most (each at most `batch.bytes` and a head). */
const MAX_SPARE_BUFFERS = 16;

const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** Marks a batch that was written on a connection that closed before it was acked. */
const NOT_ON_ANY: Connection = { socket: undefined as unknown as net.Socket, ready: false };
const noop = (): void => {};

function isAck(message: unknown): message is { ack: string } {
  return typeof message === 'object' && message !== null && typeof (message as { ack?: unknown }).ack === 'string';
}

function isHelo(message: unknown): boolean {
  return Array.isArray(message) && message[0] === 'HELO';
}

/**
 * A Fluent Forward sender for Fluentd / Fluent Bit: `ship({ to: forward({...}) })`, or on its
 * own with `send(tag, time, record)`.
 *
 * @example
 * ```ts
 * const to = forward({ host: '127.0.0.1', port: 24224, ack: true, compress: 'gzip' });
 * await to.send('app.web', EventTime.fromDate(new Date()), { log: 'hello' });
 * await to.close();
 * ```
 */
export function forward(options: ForwardOptions = {}): ForwardSender {
  return new ForwardSender(options);
}

/** Makes room for `length` more bytes in a batch's buffer (doubling, so appends stay amortised O(1)). */
/** Where a batch's entries end in its buffer (its head room comes first). */
function entriesEnd(batch: Batch): number {
  return batch.start + batch.size;
}

function growFor(batch: Batch, length: number): void {
  const used = entriesEnd(batch);
  if (used + length <= batch.buffer.byteLength) return;
  const grown = Buffer.allocUnsafe(Math.max(batch.buffer.byteLength * 2, used + length));
  batch.buffer.copy(grown, batch.start, batch.start, used);
  batch.buffer = grown;
}
