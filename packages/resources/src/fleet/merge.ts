/** Options of {@link Merge}. */
export interface MergeOptions<T> {
  /**
   * Turns a source's error into an item (yielded in its place; `undefined` yields nothing);
   * that source is then done and the others go on. Without it, the first error ends the merge
   * (after closing every source) and is thrown.
   */
  onError?: (error: unknown) => T | undefined;
}

type Ready<T> = { value: T } | { error: unknown };

interface Source<T> {
  iterable: AsyncIterable<T>;
  iterator: AsyncIterator<T> | undefined;
  /** A `next()` of it is pending. */
  inFlight: boolean;
  /** An item of it waits in the queue. */
  waiting: boolean;
  done: boolean;
}

/**
 * Many async iterables as one, items in arrival order. Each source has at most one `next()`
 * in flight and one item waiting, so a fast source cannot run ahead of the consumer. It ends
 * when every source ended; `return()` (`break`) closes every source. Sources can be added
 * while it runs (e.g. a container found later).
 */
export class Merge<T> implements AsyncIterableIterator<T> {
  readonly #options: MergeOptions<T>;
  readonly #sources: Source<T>[] = [];
  readonly #ready: { index: number; item: Ready<T> }[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(sources: Iterable<AsyncIterable<T>> = [], options: MergeOptions<T> = {}) {
    this.#options = options;
    for (const source of sources) this.add(source);
  }

  /** Adds a source; after the merge was closed, the source is closed at once instead. */
  add(iterable: AsyncIterable<T>): void {
    if (this.#closed) {
      void closeQuietly(iterable[Symbol.asyncIterator]());
      return;
    }
    this.#sources.push({ iterator: undefined, iterable, inFlight: false, waiting: false, done: false });
    this.#wake?.();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    // One consumer at a time: concurrent calls are served in order.
    const result = this.#turn.then(() => this.#next());
    this.#turn = result.catch(() => undefined);
    return result;
  }

  async return(value?: unknown): Promise<IteratorResult<T>> {
    await this.#close();
    return { done: true, value: value as T };
  }

  async #next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#closed) return { done: true, value: undefined };
      const ready = this.#ready.shift();
      if (ready !== undefined) {
        const source = this.#sources[ready.index];
        if (source !== undefined) source.waiting = false;
        if ('value' in ready.item) return { done: false, value: ready.item.value };
        if (this.#options.onError === undefined) {
          await this.#close();
          throw ready.item.error;
        }
        const value = this.#options.onError(ready.item.error);
        if (value !== undefined) return { done: false, value };
        continue;
      }
      let open = 0;
      this.#sources.forEach((source, index) => {
        if (source.done) return;
        open += 1;
        if (!source.inFlight && !source.waiting) this.#pull(source, index);
      });
      if (open === 0) {
        this.#closed = true;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }

  #pull(source: Source<T>, index: number): void {
    source.inFlight = true;
    let pending: Promise<IteratorResult<T>>;
    try {
      source.iterator ??= source.iterable[Symbol.asyncIterator]();
      pending = source.iterator.next();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (result) => {
        source.inFlight = false;
        if (result.done) source.done = true;
        else {
          source.waiting = true;
          this.#ready.push({ index, item: { value: result.value } });
        }
        this.#wake?.();
      },
      (error: unknown) => {
        source.inFlight = false;
        source.done = true;
        source.waiting = true;
        this.#ready.push({ index, item: { error } });
        this.#wake?.();
      },
    );
  }

  async #close(): Promise<void> {
    if (this.#closed && this.#sources.every((s) => s.done)) return;
    this.#closed = true;
    this.#ready.length = 0;
    this.#wake?.();
    const open = this.#sources.filter((s) => !s.done);
    for (const s of open) s.done = true;
    await Promise.all(open.map((s) => (s.iterator === undefined ? undefined : closeQuietly(s.iterator))));
  }
}

async function closeQuietly(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // A source failing on its way out is not the consumer's concern.
  }
}
