import { AbortError, type DockerError, linkAbort } from '@dockyard/transport';
import type { StreamOptions } from './call-options.js';

/** Opens the source of a {@link LazyStream}: called once, on the first `next()`. */
export type OpenSource<T> = (signal: AbortSignal) => Promise<AsyncIterable<T>>;

/**
 * Key of the hook `@dockyard/stream`'s iterators offer: with it, `next()` hands out the source's
 * own promises (no promise of its own per item) and still learns of the end and of errors.
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


/**
 * An async iterable whose request starts on the first `next()`, not before, and that can be
 * stopped three equivalent ways: `break`/`return()`, an `AbortSignal`, or `await using`.
 * Each closes the socket below at once. It can be iterated once.
 *
 * Closing while another task awaits `next()` (e.g. `close()` or `await using` on a quiet
 * followed log): that pending `next()` resolves `{ done: true }` at once, as if the stream
 * had ended, whatever the source below is doing; an `AbortSignal` firing makes it reject with
 * `AbortError` instead. Either way it settles: nothing is left waiting on a closed socket.
 * (A source from `@dockyard/stream` is read without a promise of this class's own per item;
 * it settles a pending read itself when its socket closes.) A source that ends by itself
 * after an abort (closing a socket ends it) ends the loop with `AbortError` too.
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
    /** The source reports its end and errors itself (see SETTLE): its promises go out as they are. */
    let direct = false;
    type Waiter = { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void };
    // The next() calls in flight: a close or abort settles them even if the source never does.
    const pending = new Set<Waiter>();
    const finish = async (): Promise<void> => {
      if (finished) return;
      finished = true;
      this.#release();
      for (const waiter of pending) waiter.resolve({ done: true, value: undefined });
      pending.clear();
      const source = inner;
      // Close the socket first: a source suspended on a read would otherwise hold return().
      this.#abort.abort();
      try {
        await source?.return?.();
      } catch {
        // The source is being torn down; its own error on the way out is not the caller's.
      }
    };
    // The caller's signal fired (not a close: that finishes first): waiting reads end in AbortError.
    this.#abort.signal.addEventListener(
      'abort',
      () => {
        // No read waiting: the next next() sees the abort and throws.
        if (finished || pending.size === 0) return;
        const error = this.#abortError();
        for (const waiter of pending) waiter.reject(error);
        pending.clear();
        void finish();
      },
      { once: true },
    );
    /** The source ended by itself: after an abort (which closes the socket, so ends it) that throws; `afterEnd` may. */
    let ending: Promise<void> | undefined;
    const failedAtEnd = async (err: unknown): Promise<never> => {
      const mapped = this.#abort.signal.aborted && !finished ? this.#abortError(err) : err;
      await finish();
      throw mapped;
    };
    const atEnd = (): Promise<void> | undefined => {
      if (ending !== undefined || finished) return ending;
      if (this.#abort.signal.aborted) return (ending = failedAtEnd(undefined));
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
      }, failedAtEnd);
      return ending;
    };
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
      return iterator;
    };
    const pull = async (waiter: Waiter): Promise<IteratorResult<T>> => {
      try {
        if (this.#abort.signal.aborted) throw this.#abortError();
        if (!inner) inner = attach(await this.#open(this.#abort.signal));
        const result = await inner.next();
        if (result.done) await atEnd();
        return result;
      } catch (err) {
        const mapped = this.#abort.signal.aborted && !finished ? this.#abortError(err) : err;
        pending.delete(waiter); // this read's own failure is its answer, not the close's `done`
        await finish();
        throw mapped;
      }
    };
    return {
      next: (): Promise<IteratorResult<T>> => {
        if (finished) return Promise.resolve({ done: true, value: undefined });
        if (direct) {
          // Aborted between reads: stop here, whatever the source still holds.
          if (this.#abort.signal.aborted) return failedAtEnd(undefined);
          // The hot path: the source's own promise, no waiter, no async frame per item.
          return (inner as AsyncIterator<T>).next();
        }
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          const waiter = { resolve, reject };
          pending.add(waiter);
          pull(waiter).then(
            (result) => {
              pending.delete(waiter);
              resolve(result);
            },
            (err: unknown) => {
              pending.delete(waiter);
              reject(err);
            },
          );
        });
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
