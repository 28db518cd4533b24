import { closeSource } from './close-source.js';
import type { Chunk, StreamName } from './types.js';
import { NextResult } from './next-result.js';

/** Options of {@link splitStreams}. */
export interface SplitStreamsOptions {
  /** Bytes buffered per side before the source is paused. Default 1 MiB. */
  highWaterMark?: number;
}

/** The two sides {@link splitStreams} returns. */
export interface SplitStreams {
  stdout: AsyncIterableIterator<Uint8Array>;
  stderr: AsyncIterableIterator<Uint8Array>;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Splits one chunk stream into a stdout and a stderr byte stream. The source is read only
 * when a side asks for data, and paused while a side that is not cancelled holds
 * `highWaterMark` bytes or more that nobody has read yet (backpressure; one chunk may go
 * beyond). The sides can be read concurrently, or one after the other as long as what the
 * other side gets meanwhile fits its buffer; past that the first reader waits for the other
 * side to be read or cancelled. The end or an error of the source reaches both sides (each
 * gets its buffered data first). Cancelling a side (`return()`, `break`) drops its data;
 * cancelling both closes the source.
 *
 * @example
 * ```ts
 * const { stdout, stderr } = splitStreams(demuxFrames(body));
 * await Promise.all([pipeTo(stdout, out), pipeTo(stderr, err)]);
 * ```
 */
export function splitStreams(chunks: AsyncIterable<Chunk>, options: SplitStreamsOptions = {}): SplitStreams {
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 1) {
    throw new RangeError(`highWaterMark must be a positive integer, got ${highWaterMark}`);
  }
  const splitter = new StreamSplitter(chunks, highWaterMark);
  return { stdout: splitter.stdout, stderr: splitter.stderr };
}

interface Waiter {
  resolve(result: IteratorResult<Uint8Array>): void;
  reject(error: unknown): void;
}

/** Reads the source on behalf of both sides and routes each chunk to its side. */
class StreamSplitter {
  readonly stdout: Side;
  readonly stderr: Side;
  readonly highWaterMark: number;
  readonly #source: AsyncIterable<Chunk>;
  #iterator: AsyncIterator<Chunk> | undefined;
  #pumping = false;
  /** The source ended, threw or was closed. */
  #sourceDone = false;

  constructor(source: AsyncIterable<Chunk>, highWaterMark: number) {
    this.#source = source;
    this.highWaterMark = highWaterMark;
    this.stdout = new Side('stdout', this);
    this.stderr = new Side('stderr', this);
  }

  /** Starts reading if a side waits for data and no side is full. */
  wake(): void {
    if (!this.#pumping && !this.#sourceDone && this.#shouldPull()) void this.#pump();
  }

  /** A side was cancelled: close the source once both are, else maybe resume reading. */
  async cancelled(): Promise<void> {
    if (!(this.stdout.cancelled && this.stderr.cancelled)) {
      this.wake();
      return;
    }
    if (this.#sourceDone) return;
    this.#sourceDone = true;
    await closeSource(this.#source, this.#iterator);
  }

  #shouldPull(): boolean {
    const { stdout, stderr, highWaterMark } = this;
    const wanted = stdout.waiting() || stderr.waiting();
    return wanted && !stdout.full(highWaterMark) && !stderr.full(highWaterMark);
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (!this.#sourceDone && this.#shouldPull()) {
        this.#iterator ??= this.#source[Symbol.asyncIterator]();
        let result: IteratorResult<Chunk>;
        try {
          result = await this.#iterator.next();
        } catch (error) {
          if (this.#sourceDone) return;
          this.#sourceDone = true;
          this.stdout.fail(error);
          this.stderr.fail(error);
          return;
        }
        if (this.#sourceDone) return; // both sides were cancelled meanwhile
        if (result.done) {
          this.#sourceDone = true;
          this.stdout.end();
          this.stderr.end();
          return;
        }
        const { stream, data } = result.value;
        (stream === 'stderr' ? this.stderr : this.stdout).deliver(data);
      }
    } finally {
      this.#pumping = false;
    }
  }
}

/** One side's buffer and iterator. */
class Side implements AsyncIterableIterator<Uint8Array> {
  cancelled = false;
  readonly #splitter: StreamSplitter;
  #queue: Uint8Array[] = [];
  #head = 0;
  #bytes = 0;
  readonly #waiters: Waiter[] = [];
  /** The source ended or failed; nothing more comes after the queue. */
  #ended = false;
  #failure: { error: unknown } | undefined;

  constructor(
    readonly stream: StreamName,
    splitter: StreamSplitter,
  ) {
    this.#splitter = splitter;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#head < this.#queue.length) {
      const value = this.#queue[this.#head] as Uint8Array;
      this.#head++;
      this.#bytes -= value.length;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      this.#splitter.wake();
      return Promise.resolve(new NextResult(value));
    }
    if (this.#failure) {
      const { error } = this.#failure;
      this.#failure = undefined;
      return Promise.reject(error);
    }
    if (this.#ended || this.cancelled) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#splitter.wake();
    });
  }

  /** Cancels this side: drops its data; the source closes once both sides are cancelled. */
  async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    if (!this.cancelled) {
      this.cancelled = true;
      this.#queue = [];
      this.#head = 0;
      this.#bytes = 0;
      this.#failure = undefined;
      for (const waiter of this.#waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
      await this.#splitter.cancelled();
    }
    return { done: true, value };
  }

  /** `await using side = splitStreams(...).stdout`: cancels like `return()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  waiting(): boolean {
    return !this.cancelled && this.#waiters.length > 0;
  }

  full(highWaterMark: number): boolean {
    return !this.cancelled && this.#bytes >= highWaterMark;
  }

  deliver(data: Uint8Array): void {
    if (this.cancelled || data.length === 0) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(new NextResult(data));
      return;
    }
    this.#queue.push(data);
    this.#bytes += data.length;
  }

  end(): void {
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
  }

  fail(error: unknown): void {
    if (this.cancelled) return;
    this.#ended = true;
    const [first, ...rest] = this.#waiters.splice(0);
    if (first === undefined) {
      this.#failure = { error };
      return;
    }
    first.reject(error);
    for (const waiter of rest) waiter.resolve({ done: true, value: undefined });
  }
}
