import { closeSource } from './close-source.js';
import { NextResult } from './next-result.js';

/**
 * Optional method of a source iterator (`@dockyard/transport`'s readers have it): a value
 * already received, without a promise, or undefined when none waits.
 */
const TAKE_QUEUED = Symbol.for('dockyard.takeQueued');
/** Source values taken synchronously per pull, so one pull never runs unbounded. */
const MAX_TAKEN = 256;

type QueuedSource<I> = AsyncIterator<I> & { [TAKE_QUEUED]?: () => I | undefined };

/**
 * Key of the method a wrapper (dockyard's `LazyStream`) uses to learn how the iteration ends
 * without a `then` on every item: `end()` runs before the end is delivered (a promise it
 * returns is waited for, and its rejection thrown instead), `error(e)` turns the error about
 * to be thrown into the one to throw.
 */
const SETTLE = Symbol.for('dockyard.settle');

interface SettleHook {
  end(): Promise<void> | undefined;
  error(error: unknown): unknown;
}

/**
 * Base of this package's iterators. It pulls one value at a time from a source, lets the
 * subclass turn it into any number of output items (`accept`), and hands those out one per
 * `next()` without a further await, so a source chunk holding many frames costs one promise
 * per item and no generator machinery.
 *
 * Why not async generators: a generator's `return()` waits behind a pending `next()`, so a
 * consumer that cancels while the source is quiet (a `follow` stream) could not close the
 * socket. Here `return()` always reaches the source's `return()` at once.
 */
export abstract class PullIterator<I, O> implements AsyncIterableIterator<O> {
  /** Items made from the current source value; handed out from `head` on. */
  protected readonly out: O[] = [];
  #head = 0;
  readonly #source: AsyncIterable<I>;
  #iterator: QueuedSource<I> | undefined;
  /** The source ended, threw or was closed: never pull from it again. */
  #sourceDone = false;
  /** Nothing more goes out after the queue (the consumer returned, or the end was delivered). */
  #finished = false;
  /** An error to throw once the queued items are out. */
  #failure: { error: unknown } | undefined;
  #pulling: Promise<IteratorResult<O>> | undefined;
  #hook: SettleHook | undefined;

  constructor(source: AsyncIterable<I>) {
    this.#source = source;
  }

  /** Turns one source value into output items (pushed onto `out`); may throw to fail the stream. */
  protected abstract accept(value: I): void;

  /** Called once when the source ends normally: flush or throw (e.g. a truncated frame). */
  protected finish(): void {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<O>> {
    // Concurrent next() calls wait their turn behind the pull in flight.
    if (this.#pulling) return this.#pulling.then(this.#retry, this.#retry);
    if (this.#head < this.out.length) {
      const value = this.out[this.#head++] as O;
      return Promise.resolve(new NextResult(value));
    }
    // One `then` for the pull's end: it clears the pull in flight and tells the hook.
    const pulling = this.#pull().then(this.#settled, this.#failed);
    this.#pulling = pulling;
    return pulling;
  }

  readonly #retry = (): Promise<IteratorResult<O>> => this.next();

  /** Registers the wrapper's {@link SettleHook} (see `SETTLE`). */
  [SETTLE](hook: SettleHook): void {
    this.#hook = hook;
  }

  readonly #settled = (result: IteratorResult<O>): IteratorResult<O> | Promise<IteratorResult<O>> => {
    this.#pulling = undefined;
    const after = result.done ? this.#hook?.end() : undefined;
    return after === undefined ? result : after.then(() => result);
  };

  readonly #failed = (error: unknown): never => {
    this.#pulling = undefined;
    throw this.#hook === undefined ? error : this.#hook.error(error);
  };

  /** Stops the iteration and closes the source (so `break` closes the socket below). */
  async return(value?: unknown): Promise<IteratorResult<O>> {
    this.#finished = true;
    this.#failure = undefined;
    this.out.length = 0;
    this.#head = 0;
    await this.#closeSource();
    return { done: true, value };
  }

  /** `await using it = demuxFrames(...)`: closes the source like `return()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /**
   * The next item, the end or the failure when one is due without the source; `undefined`
   * when a source value is needed. A failure is thrown once its queued items are out.
   */
  #ready(): IteratorResult<O> | undefined {
    if (this.#head < this.out.length) return new NextResult(this.out[this.#head++] as O);
    this.out.length = 0;
    this.#head = 0;
    if (this.#failure) {
      const { error } = this.#failure;
      this.#failure = undefined;
      this.#finished = true;
      throw error;
    }
    if (this.#finished || this.#sourceDone) {
      this.#finished = true;
      return { done: true, value: undefined };
    }
    return undefined;
  }

  // No async function: one `then` on the source's own promise per source value, and the item
  // handed back as a plain value (not a promise to adopt) when that value made one.
  #pull(): Promise<IteratorResult<O>> {
    let ready: IteratorResult<O> | undefined;
    try {
      ready = this.#ready();
    } catch (error) {
      return Promise.reject(error);
    }
    if (ready !== undefined) return Promise.resolve(ready);
    this.#iterator ??= this.#source[Symbol.asyncIterator]() as QueuedSource<I>;
    return this.#iterator.next().then(this.#onSource, this.#onSourceError);
  }

  readonly #onSource = (result: IteratorResult<I>): IteratorResult<O> | Promise<IteratorResult<O>> => {
    // return() was called while the source was pending: whatever came is not wanted.
    if (this.#finished) return { done: true, value: undefined };
    try {
      if (result.done) {
        this.#sourceDone = true;
        this.finish();
      } else {
        const iterator = this.#iterator as QueuedSource<I>;
        this.accept(result.value);
        // Values the source already holds go through now: no promise and await for each.
        const take = iterator[TAKE_QUEUED];
        if (take !== undefined) {
          for (let n = 1; n < MAX_TAKEN; n++) {
            const more = take.call(iterator);
            if (more === undefined) break;
            this.accept(more);
          }
        }
      }
    } catch (error) {
      this.#failure = { error };
      // Our own failure (bad frame, invalid JSON): stop the source, ignoring how it closes.
      return this.#closeSource().then(this.#pullAgain, this.#pullAgain);
    }
    return this.#ready() ?? this.#pull();
  };

  readonly #onSourceError = (error: unknown): IteratorResult<O> => {
    this.#sourceDone = true;
    if (this.#finished) return { done: true, value: undefined };
    this.#finished = true;
    throw error;
  };

  readonly #pullAgain = (): Promise<IteratorResult<O>> => this.#pull();

  async #closeSource(): Promise<void> {
    if (this.#sourceDone) return;
    this.#sourceDone = true;
    await closeSource(this.#source, this.#iterator);
  }
}
