import { type ProgressMessage, progressStream } from '@dockyard/stream';
import { AbortError } from '@dockyard/transport';
import type { StreamOptions } from './call-options.js';
import { LazyStream } from './lazy-stream.js';

/** What a {@link ProgressStream}'s result is made from. */
export interface ProgressSummary<T> {
  /** Every `aux` value the engine sent (a built image's ID, a push's digest). */
  aux: unknown[];
  /** The last message. */
  last: T | undefined;
}

/**
 * A pull, push, build or load in progress: `for await` its messages to watch, or just
 * `await done()`, which reads what is left and resolves with the result. An error the engine
 * reports in-band (with status 200) rejects both as a `StreamError`.
 *
 * @example
 * ```ts
 * const pull = docker.images.pull('127.0.0.1:5000/busybox:1');
 * for await (const p of pull) console.log(p.id, p.status);
 * await pull.done();
 * ```
 */
export class ProgressStream<T extends ProgressMessage, R> extends LazyStream<T> {
  readonly #result: (messages: ProgressSummary<T>) => R;
  readonly #onMessage: ((message: T) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #aux: unknown[] = [];
  #last: T | undefined;
  #done: Promise<R> | undefined;
  #iterating = false;

  /** @internal */
  constructor(
    open: (signal: AbortSignal) => Promise<AsyncIterable<Uint8Array>>,
    result: (summary: ProgressSummary<T>) => R,
    options: StreamOptions & { onMessage?: (message: T) => void } = {},
  ) {
    super(async (signal) => {
      const bytes = await open(signal);
      return this.#track(progressStream<T>(bytes, { onAux: (aux) => this.#aux.push(aux) }));
    }, options);
    this.#result = result;
    this.#onMessage = options.onMessage;
    this.#signal = options.signal;
    // Read only by done(): a loop that already saw the error must not also raise it unhandled.
    this.#ended.catch(() => undefined);
  }

  override [Symbol.asyncIterator](): AsyncIterator<T> {
    this.#iterating = true;
    return super[Symbol.asyncIterator]();
  }

  /** Reads the rest (or waits for your loop to end) and resolves with the result. */
  done(): Promise<R> {
    this.#done ??= (async () => {
      if (!this.#iterating) for await (const _ of this) void _;
      else await this.#ended;
      return this.#result({ aux: this.#aux, last: this.#last });
    })();
    return this.#done;
  }

  #endedResolve!: (error?: unknown) => void;
  readonly #ended = new Promise<void>((resolve, reject) => {
    this.#endedResolve = (error) => (error === undefined ? resolve() : reject(error));
  });

  async *#track(messages: AsyncIterable<T>): AsyncGenerator<T> {
    try {
      for await (const message of messages) {
        this.#last = message;
        this.#onMessage?.(message);
        yield message;
      }
      this.#endedResolve();
    } catch (err) {
      this.#endedResolve(err);
      throw err;
    } finally {
      // Reached without an end or an error only when the caller stopped the stream.
      const aborted = this.#signal?.aborted === true;
      this.#endedResolve(
        new AbortError(
          aborted
            ? 'The progress stream was aborted by its AbortSignal before it ended.'
            : 'The progress stream was closed (break, return() or close()) before it ended.',
          { cause: aborted ? this.#signal?.reason : undefined },
        ),
      );
    }
  }
}
