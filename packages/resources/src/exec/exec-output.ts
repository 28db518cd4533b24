import type { Chunk } from '@dockyard/stream';
import { splitStreams } from '@dockyard/stream';
import type { StreamOptions } from '../call-options.js';
import { LazyStream } from '../lazy-stream.js';

type View = 'chunks' | 'sides' | 'drain';

/**
 * The output of a hijacked process (exec or attach), readable one way: as chunks, as
 * `stdout`/`stderr` bytes, or drained. `ended` settles when reading stops by any means.
 */
export class ProcessOutput {
  readonly #chunks: LazyStream<Chunk>;
  readonly #sides = new Map<'stdout' | 'stderr', LazyStream<Uint8Array>>();
  readonly #options: StreamOptions;
  #view: View | undefined;
  #split: ReturnType<typeof splitStreams> | undefined;
  #resolveEnded!: () => void;
  /** Settles once the output was read to its end, failed, or was closed. */
  readonly ended: Promise<void> = new Promise((resolve) => {
    this.#resolveEnded = resolve;
  });

  /**
   * `open` gives the output's chunks; `afterEnd`, when given, runs once they ended by
   * themselves and may throw to say the end was not a normal one (e.g. a dropped connection).
   */
  constructor(
    open: (signal: AbortSignal) => Promise<AsyncIterable<Chunk>>,
    options: StreamOptions = {},
    afterEnd?: (signal: AbortSignal) => Promise<void>,
  ) {
    this.#options = options;
    // An aborted output throws AbortError at its end (LazyStream does that for every stream).
    this.#chunks = new LazyStream(open, options, { onEnd: () => this.#resolveEnded(), afterEnd });
  }

  /** The stream every view reads, closed by `close()`. */
  get signal(): AbortSignal {
    return this.#chunks.signal;
  }

  /** The chunks, once. */
  chunks(): AsyncIterator<Chunk> {
    this.#claim('chunks');
    return this.#chunks[Symbol.asyncIterator]();
  }

  /** One side's bytes: alone, the other side is discarded; both taken before reading share the output. */
  side(name: 'stdout' | 'stderr'): LazyStream<Uint8Array> {
    const existing = this.#sides.get(name);
    if (existing) return existing;
    this.#claim('sides');
    const side = new LazyStream<Uint8Array>(async () => {
      if (this.#sides.size === 1) return only(this.#chunks, name);
      this.#split ??= splitStreams(this.#chunks);
      return this.#split[name];
    }, { signal: this.#options.signal ? AbortSignal.any([this.signal, this.#options.signal]) : this.signal });
    this.#sides.set(name, side);
    return side;
  }

  /** Reads and drops what no one reads, then resolves; waits for the reader if there is one. */
  async drain(): Promise<void> {
    if (!this.#view) {
      this.#view = 'drain';
      for await (const _ of this.#chunks) {
        // dropped: the caller asked only for the exit
      }
    }
    await this.ended;
  }

  /** Closes the output (and so the connection below). */
  async close(): Promise<void> {
    await this.#chunks.close();
    for (const side of this.#sides.values()) await side.close();
    this.#resolveEnded();
  }

  #claim(view: View): void {
    if (this.#view === view && view !== 'sides') throw new TypeError('This output was already read: it is read once.');
    if (this.#view && this.#view !== view) {
      throw new TypeError(`This output is already read as ${this.#view}: read it one way (chunks, stdout/stderr, or wait()).`);
    }
    this.#view = view;
  }
}

async function* only(chunks: AsyncIterable<Chunk>, name: 'stdout' | 'stderr'): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) if (chunk.stream === name) yield chunk.data;
}

/**
 * What an exec and an attach session share: their output, read once as tagged chunks
 * (`for await`), or as `stdout`/`stderr` bytes; and `await using` closing them.
 */
export abstract class OutputReader implements AsyncIterable<Chunk>, AsyncDisposable {
  /**
   * The output the subclass reads from.
   * @internal
   */
  protected abstract get processOutput(): ProcessOutput;

  /** Closes the connection below. */
  abstract close(): Promise<void>;

  /** Output chunks (`stdout`/`stderr` tagged), read once. */
  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    return this.processOutput.chunks();
  }

  /**
   * Only stdout's bytes. Read alone, stderr is dropped; take `.stdout` and `.stderr` both
   * before reading either to read both (concurrently, or one after the other within 1 MiB).
   */
  get stdout(): AsyncIterable<Uint8Array> & AsyncDisposable {
    return this.processOutput.side('stdout');
  }

  /** Only stderr's bytes; see {@link OutputReader.stdout}. */
  get stderr(): AsyncIterable<Uint8Array> & AsyncDisposable {
    return this.processOutput.side('stderr');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
