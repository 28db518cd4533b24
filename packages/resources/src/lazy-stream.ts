import { AbortError, type DockerError, linkAbort } from '@dockyard/transport';
import type { StreamOptions } from './call-options.js';

/**
 * Key of the hook `@dockyard/stream`'s iterators offer: with it, `next()` hands out the source's
 * own promise (no `then` per item) and still learns of the end and of errors.
 */
const SETTLE = Symbol.for('dockyard.settle');

type Settling<T> = AsyncIterator<T> & {
  [SETTLE]?: (hook: { end(): Promise<void> | undefined; error(error: unknown): unknown }) => void;
};

/** What a {@link LazyStream}'s owner learns of its end. */
export interface LazyStreamHooks {
  /** Called once when reading stops by any means: the end, an error, or a close. */
  onEnd?: () => void;
  /**
   * Runs once the source ended by itself, before the end is handed out; may throw to say the
   * end was not a normal one (e.g. a dropped connection).
   */
  afterEnd?: (signal: AbortSignal) => Promise<void>;
}

/** Opens the source of a {@link LazyStream}: called once, on the first `next()`. */
export type OpenSource<T> = (signal: AbortSignal) => Promise<AsyncIterable<T>>;


/**
 * An async iterable whose request starts on the first `next()`, not before, and that can be
 * stopped three equivalent ways: `break`/`return()`, an `AbortSignal`, or `await using`.
 * Each closes the socket below at once. It can be iterated once.
 *
 * @example
 * ```ts
 * await using events = docker.events();
 * for await (const ev of events) if (ev.Action === 'die') break;   // socket closed here
 * ```
 */
export class LazyStream<T> implements AsyncIterable<T>, AsyncDisposable {
  readonly #open: OpenSource<T>;
  readonly #abort = new AbortController();
  readonly #userSignal: AbortSignal | undefined;
  readonly #unlink: () => void;
  readonly #hooks: LazyStreamHooks;
  #iterator: AsyncIterator<T> | undefined;
  #taken = false;

  /** `hooks`: what the owner learns of the end (see {@link LazyStreamHooks}). */
  constructor(open: OpenSource<T>, options: StreamOptions = {}, hooks: LazyStreamHooks = {}) {
    this.#open = open;
    this.#userSignal = options.signal;
    this.#hooks = hooks;
    this.#unlink = linkAbort(options.signal, (reason) => this.#abort.abort(reason));
  }

  /** Aborted when the stream is closed, by any of the three ways. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#taken) {
      throw new TypeError('This stream was already iterated: each stream is read once. Call the method again for a new one.');
    }
    this.#taken = true;
    this.#iterator = this.#iterate();
    return this.#iterator;
  }

  /** Closes the stream (and its socket) if it is open; safe to call more than once. */
  async close(): Promise<void> {
    if (this.#iterator) await this.#iterator.return?.();
    else {
      this.#taken = true;
      this.#release();
      this.#abort.abort();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #release(): void {
    this.#unlink();
    this.#hooks.onEnd?.();
  }

  #iterate(): AsyncIterator<T> {
    let inner: AsyncIterator<T> | undefined;
    let finished = false;
    /** The source reports its end and errors itself: its promises go out as they are. */
    let direct = false;
    const finish = async (): Promise<void> => {
      if (finished) return;
      finished = true;
      this.#release();
      const source = inner;
      // Close the socket first: a source suspended on a read would otherwise hold return().
      this.#abort.abort();
      try {
        await source?.return?.();
      } catch {
        // The source is being torn down; its own error on the way out is not the caller's.
      }
    };
    const failed = async (err: unknown): Promise<never> => {
      const mapped = this.#abort.signal.aborted && !finished ? this.#abortError(err) : err;
      await finish();
      throw mapped;
    };
    /** The source ended by itself: an abort (which closes the socket, so ends it) throws; `afterEnd` may. */
    let ending: Promise<void> | undefined;
    const atEnd = (): Promise<void> | undefined => {
      if (ending !== undefined || finished) return ending;
      if (this.#abort.signal.aborted) return (ending = failed(undefined));
      const afterEnd = this.#hooks.afterEnd;
      if (afterEnd === undefined) {
        finished = true;
        this.#release();
        return undefined;
      }
      ending = afterEnd(this.#abort.signal).then(() => {
        if (finished) return;
        finished = true;
        this.#release();
      }, failed);
      return ending;
    };
    const ended = (result: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> => {
      if (!result.done) return result;
      const after = atEnd();
      return after === undefined ? result : after.then(() => result);
    };
    /** Reads before the source is open: open it once, then read from it. */
    let opening: Promise<AsyncIterator<T>> | undefined;
    const attach = (source: AsyncIterable<T>): AsyncIterator<T> => {
      const iterator = source[Symbol.asyncIterator]() as Settling<T>;
      const settle = iterator[SETTLE];
      if (typeof settle === 'function') {
        settle.call(iterator, {
          end: atEnd,
          error: (err: unknown) => {
            const mapped = this.#abort.signal.aborted && !finished ? this.#abortError(err) : err;
            void finish();
            return mapped;
          },
        });
        direct = true;
      }
      inner = iterator;
      return iterator;
    };
    const first = async (): Promise<IteratorResult<T>> => {
      opening ??= this.#open(this.#abort.signal).then(attach);
      // The first read goes through `then` below whatever the source: it may fail before the hook.
      return (await opening).next();
    };
    return {
      // Once open, one `then` per item and no async frame: this is on every chunk's path.
      next: (): Promise<IteratorResult<T>> => {
        if (finished) return Promise.resolve({ done: true, value: undefined });
        // Aborted between reads: stop here, whatever the source still holds.
        if (this.#abort.signal.aborted) return failed(this.#abortError());
        if (direct) return (inner as AsyncIterator<T>).next();
        return (inner ? inner.next() : first()).then(ended, failed);
      },
      return: async (value?: unknown): Promise<IteratorResult<T>> => {
        await finish();
        return { done: true, value: value as T };
      },
    };
  }

  #abortError(cause?: unknown): DockerError {
    if (cause instanceof AbortError) return cause;
    const reason = this.#userSignal?.reason ?? cause;
    return new AbortError('The operation was aborted by its AbortSignal; its connection was closed.', { cause: reason });
  }
}
