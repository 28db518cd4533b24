import { type QueuedReader, TAKE_QUEUED } from '../read-stream.js';
import type { ResponseHead } from '../hijack/response-head-parser.js';
import { ChunkedDecoder } from './chunked-decoder.js';
import { NextResult } from '../next-result.js';

/**
 * How a response body is delimited: a byte count (`Content-Length`, 0 for HEAD, 204 and 304),
 * the chunked coding, or the connection's end (HTTP/1.0, or neither header).
 */
export type BodyFraming = { kind: 'length'; length: number } | { kind: 'chunked'; decoder: ChunkedDecoder } | { kind: 'close' };

/** What a {@link ResponseBody} tells its exchange about how it ended. */
export interface BodyEnd {
  /** The body was read to its end and nothing followed it: the connection can serve another request. */
  complete(reusable: boolean): void;
  /** The body was given up half-read, or broke: the connection must close. */
  abandon(): void;
}

/** What the reader of a streamed body is told: errors to rethrow as, and the end (once). */
export interface BodyWatch {
  /** Turns a read failure into the error to throw (the transport maps it into the `DockerError` family). */
  error(err: unknown): unknown;
  /** The body ended, failed or was given up. */
  end(): void;
}

/** Error of a body cut short by the connection's end (mapped like a premature close). */
function cutShort(): Error {
  return Object.assign(new Error('The engine closed the connection before the response body ended.'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * One response body read straight off its connection's {@link SocketReader}: the framing is
 * undone in place, so each item is a view of a socket read (chunked data is never copied).
 * It hands out items already received without a promise ({@link TAKE_QUEUED}), reports its
 * end to the exchange once, and `return()` before the end closes the connection.
 */
export class ResponseBody implements QueuedReader, AsyncIterable<Uint8Array> {
  readonly #reader: QueuedReader;
  readonly #framing: BodyFraming;
  readonly #end: BodyEnd;
  /** Data views decoded and not handed out yet. */
  readonly #out: Uint8Array[] = [];
  #outHead = 0;
  /** Body bytes still expected with `length` framing. */
  #remaining: number;
  #complete = false;
  #settled = false;
  /** Body bytes that came with the head, decoded at the first read (so a malformed one throws there). */
  #first: Uint8Array | undefined;
  #watch: BodyWatch | undefined;

  /** `first`: the bytes that came after the response head in the same read. */
  constructor(reader: QueuedReader, framing: BodyFraming, first: Uint8Array, end: BodyEnd) {
    this.#reader = reader;
    this.#framing = framing;
    this.#end = end;
    this.#remaining = framing.kind === 'length' ? framing.length : 0;
    if (framing.kind === 'length' && framing.length === 0) this.#finish(first.length === 0);
    else if (first.length > 0) this.#first = first;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Sets who maps this body's errors and hears of its end (set before reading). */
  watch(watch: BodyWatch): this {
    this.#watch = watch;
    return this;
  }

  readonly [TAKE_QUEUED] = (): Uint8Array | undefined => {
    for (;;) {
      if (this.#outHead < this.#out.length) return this.#shift();
      if (this.#complete) return undefined;
      const first = this.#first;
      this.#first = undefined;
      const raw = first ?? this.#reader[TAKE_QUEUED]();
      if (raw === undefined) return undefined;
      this.#decode(raw);
    }
  };

  next(): Promise<IteratorResult<Uint8Array>> {
    let ready: IteratorResult<Uint8Array> | undefined;
    try {
      ready = this.#poll();
    } catch (err) {
      return Promise.reject(err);
    }
    if (ready !== undefined) return Promise.resolve(ready);
    // One `then` on the socket's own promise per read: a thousand quiet followed streams each
    // hold this chain between lines, and every object in it is garbage once a line arrives.
    return this.#reader.next().then(this.#onRead, this.#onReadError);
  }

  /** The next chunk or the end, if due without waiting for the socket; else undefined. Throws mapped errors. */
  #poll(): IteratorResult<Uint8Array> | undefined {
    const value = this[TAKE_QUEUED]();
    if (value !== undefined) return new NextResult(value);
    if (this.#complete) {
      this.#ended();
      return { done: true, value: undefined };
    }
    return undefined;
  }

  // Hands back a plain result, not a promise to adopt (each adoption costs a promise and two
  // microtask turns), unless the read held nothing but framing.
  readonly #onRead = (step: IteratorResult<Uint8Array>): IteratorResult<Uint8Array> | Promise<IteratorResult<Uint8Array>> => {
    // return() was called while this read waited (nothing else ends a body while a read waits).
    if (this.#complete) {
      this.#ended();
      return { done: true, value: undefined };
    }
    if (step.done) {
      if (this.#framing.kind !== 'close') {
        this.#abandon();
        throw this.#failed(cutShort());
      }
      this.#finish(false);
    } else {
      this.#decode(step.value);
    }
    return this.#poll() ?? this.#reader.next().then(this.#onRead, this.#onReadError);
  };

  readonly #onReadError = (err: unknown): IteratorResult<Uint8Array> => {
    if (this.#complete) {
      this.#ended();
      return { done: true, value: undefined };
    }
    this.#abandon();
    throw this.#failed(err);
  };

  #failed(err: unknown): unknown {
    const watch = this.#watch;
    if (watch === undefined) return err;
    this.#watch = undefined;
    watch.end();
    return watch.error(err);
  }

  #ended(): void {
    const watch = this.#watch;
    this.#watch = undefined;
    watch?.end();
  }

  /** Gives the body up: a body not read to its end closes the connection. */
  async return(): Promise<IteratorResult<Uint8Array>> {
    this.#out.length = 0;
    this.#outHead = 0;
    if (!this.#complete) {
      this.#complete = true;
      this.#abandon();
      // Settles a next() still waiting on the socket (another task closing a quiet stream) at once.
      await this.#reader.return?.();
    }
    this.#ended();
    return { done: true, value: undefined };
  }

  #shift(): Uint8Array {
    const value = this.#out[this.#outHead++] as Uint8Array;
    if (this.#outHead === this.#out.length) {
      this.#out.length = 0;
      this.#outHead = 0;
    }
    return value;
  }

  #decode(raw: Uint8Array): void {
    try {
      this.#decodeFramed(raw);
    } catch (err) {
      // A malformed chunked body: the connection is out of step with the protocol.
      this.#abandon();
      throw this.#failed(err);
    }
  }

  #decodeFramed(raw: Uint8Array): void {
    const framing = this.#framing;
    if (framing.kind === 'chunked') {
      const end = framing.decoder.push(raw, this.#out);
      if (end >= 0) this.#finish(end === raw.length);
    } else if (framing.kind === 'length') {
      const take = Math.min(this.#remaining, raw.length);
      if (take > 0) this.#out.push(take === raw.length ? raw : raw.subarray(0, take));
      this.#remaining -= take;
      if (this.#remaining === 0) this.#finish(take === raw.length);
    } else if (raw.length > 0) {
      this.#out.push(raw);
    }
  }

  // `clean`: nothing followed the body in the read that ended it.
  #finish(clean: boolean): void {
    this.#complete = true;
    if (this.#settled) return;
    this.#settled = true;
    this.#end.complete(clean && this.#framing.kind !== 'close');
  }

  #abandon(): void {
    this.#complete = true;
    if (this.#settled) return;
    this.#settled = true;
    this.#end.abandon();
  }
}

/** The framing of a response to `method`: none for HEAD, 1xx, 204 and 304; chunked; `Content-Length`; else the connection's end. */
export function framingOf(method: string, head: ResponseHead): BodyFraming {
  const status = head.statusCode;
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) return { kind: 'length', length: 0 };
  if (/\bchunked\b/i.test(head.headers['transfer-encoding'] ?? '')) return { kind: 'chunked', decoder: new ChunkedDecoder() };
  const length = head.headers['content-length'];
  if (length !== undefined && /^\d+$/.test(length)) return { kind: 'length', length: Number(length) };
  return { kind: 'close' };
}
