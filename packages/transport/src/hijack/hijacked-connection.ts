import type { Duplex } from 'node:stream';
import { AbortError, ConnectionError } from '../errors.js';
import { type QueuedReader, TAKE_QUEUED } from '../read-stream.js';
import { NextResult } from '../next-result.js';

/**
 * A connection the engine handed over after `101 Switching Protocols` (or the `200` older
 * engines send): the process's output arrives on {@link output}, stdin goes out through
 * {@link write} / {@link end}.
 *
 * @example
 * ```ts
 * const conn = await transport.hijack({ method: 'POST', path: `/exec/${id}/start`, body: { Detach: false, Tty: false } });
 * const reading = (async () => { for await (const bytes of conn.output) chunks.push(bytes); })();
 * await conn.write('hello\n');
 * await conn.end();   // half-close: output keeps coming until the engine closes
 * await reading;
 * ```
 */
export interface HijackedConnection {
  statusCode: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /**
   * How to read {@link output}: `multiplexed` (8-byte frame headers), `raw`, or `unknown`
   * when the engine's API is below 1.42, whose `Content-Type` does not tell (decide from the
   * container's or exec's `Tty` instead).
   */
  mediaType: 'raw' | 'multiplexed' | 'unknown';
  /** The engine's bytes: those that came with the response head first. `return()` closes the connection. */
  output: AsyncIterable<Uint8Array>;
  /** Sends bytes; resolves once the socket can take more (backpressure). */
  write(data: Uint8Array | string): Promise<void>;
  /** Half-closes: no more writes, while {@link output} keeps flowing until the engine closes. */
  end(): Promise<void>;
  /** Closes the connection at once, both ways. */
  close(): void;
}

/** What a {@link SocketHijackedConnection} is built from. */
export interface HijackedSocketInit {
  socket: Duplex;
  /** The socket's own iterator, already used to read the response head. */
  reader: AsyncIterator<Uint8Array>;
  /** Body bytes that arrived with the head. */
  leftover: Uint8Array;
  /** Stop after this many output bytes (a `200` with `Content-Length`), else read until close. */
  contentLength: number | undefined;
  statusCode: number;
  headers: Record<string, string>;
  mediaType: HijackedConnection['mediaType'];
  /** `METHOD /path`, for messages. */
  request: string;
  signal?: AbortSignal | undefined;
}

/** {@link HijackedConnection} over a Node Duplex (net.Socket, TLS socket or the ssh stdio duplex). */
export class SocketHijackedConnection implements HijackedConnection {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly mediaType: HijackedConnection['mediaType'];
  readonly output: AsyncIterable<Uint8Array>;
  readonly #socket: Duplex;
  readonly #request: string;
  readonly #signal: AbortSignal | undefined;
  #closedByCaller = false;
  #ended = false;

  constructor(init: HijackedSocketInit) {
    this.statusCode = init.statusCode;
    this.headers = init.headers;
    this.mediaType = init.mediaType;
    this.#socket = init.socket;
    this.#request = init.request;
    this.#signal = init.signal;
    // Failures reach the caller through `output` and the write promises, never as an 'error' event.
    init.socket.on('error', ignore);
    const iterator = this.#outputIterator(init);
    this.output = { [Symbol.asyncIterator]: () => iterator };
  }

  write(data: Uint8Array | string): Promise<void> {
    const socket = this.#socket;
    if (this.#ended) return Promise.reject(new ConnectionError(`Cannot write to ${this.#request}: its input was already ended.`));
    if (socket.destroyed || !socket.writable) return Promise.reject(this.#brokenError('write to'));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        socket.off('drain', onDrain);
        socket.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = (): void => settle();
      const onClose = (): void => settle(this.#brokenError('write to'));
      const ok = socket.write(data, (err?: Error | null) => {
        if (err) settle(this.#brokenError('write to', err));
      });
      if (ok) settle();
      else {
        socket.on('drain', onDrain);
        socket.on('close', onClose);
      }
    });
  }

  end(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#ended = true;
    const socket = this.#socket;
    if (socket.destroyed) return Promise.reject(this.#brokenError('end the input of'));
    return new Promise<void>((resolve, reject) => {
      (socket.end as (cb: (err?: Error | null) => void) => Duplex)((err) => {
        if (err) reject(this.#brokenError('end the input of', err));
        else resolve();
      });
    });
  }

  close(): void {
    this.#closedByCaller = true;
    this.#socket.destroy();
  }

  #brokenError(what: string, cause?: unknown): Error {
    if (this.#signal?.aborted) return new AbortError(`${this.#request} was aborted.`, { cause: this.#signal.reason });
    return new ConnectionError(`Cannot ${what} ${this.#request}: the connection to the engine is closed.`, { cause });
  }

  #outputIterator(init: HijackedSocketInit): QueuedReader {
    let pending: Uint8Array | undefined = init.leftover.length > 0 ? init.leftover : undefined;
    let remaining = init.contentLength ?? Number.POSITIVE_INFINITY;
    let finished = false;
    const finish = (): IteratorResult<Uint8Array> => {
      finished = true;
      this.#socket.destroy();
      return { done: true, value: undefined };
    };
    const limit = (chunk: Uint8Array): IteratorResult<Uint8Array> => {
      if (chunk.length >= remaining) {
        const last = chunk.subarray(0, remaining);
        remaining = 0;
        return last.length > 0 ? new NextResult(last) : finish();
      }
      remaining -= chunk.length;
      return new NextResult(chunk);
    };
    const broken = (err: unknown): IteratorResult<Uint8Array> => {
      if (this.#closedByCaller) return finish();
      finished = true;
      this.#socket.destroy();
      if (this.#signal?.aborted) throw new AbortError(`${this.#request} was aborted.`, { cause: this.#signal.reason });
      throw new ConnectionError(
        `The connection to the engine broke while reading the output of ${this.#request}: ${(err as Error).message}`,
        { cause: err },
      );
    };
    const stepped = (step: IteratorResult<Uint8Array>): IteratorResult<Uint8Array> => {
      if (!step.done) return limit(step.value);
      if (this.#signal?.aborted && !this.#closedByCaller) {
        finish();
        throw new AbortError(`${this.#request} was aborted.`, { cause: this.#signal.reason });
      }
      return finish();
    };
    const reader = init.reader as QueuedReader;
    return {
      // No async frame per read: one `then` on the reader's promise (this is every chunk's path).
      next: () => {
        if (finished || remaining === 0) return Promise.resolve(finish());
        if (pending !== undefined) {
          const chunk = pending;
          pending = undefined;
          return Promise.resolve(limit(chunk));
        }
        return init.reader.next().then(stepped, broken);
      },
      // Chunks the reader already holds, synchronously (see TAKE_QUEUED).
      [TAKE_QUEUED]: (): Uint8Array | undefined => {
        if (finished || remaining === 0 || pending !== undefined) return undefined;
        const chunk = reader[TAKE_QUEUED]?.();
        if (chunk === undefined) return undefined;
        if (chunk.length >= remaining) {
          // The last bytes: hand them out through next(), which also ends the output.
          pending = chunk;
          return undefined;
        }
        remaining -= chunk.length;
        return chunk;
      },
      return: async () => {
        this.close();
        finished = true;
        return { done: true, value: undefined };
      },
    };
  }
}

function ignore(): void {}
