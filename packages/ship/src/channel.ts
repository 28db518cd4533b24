/**
 * Many producers, one consumer, bounded: `push` resolves at once while fewer than `capacity`
 * items wait, else once the consumer took enough. Producers that await it are paused, so
 * their sources (sockets) are not read: that is the backpressure.
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  #head = 0;
  #waitingConsumer: ((result: IteratorResult<T>) => void) | undefined;
  #waitingProducers: Array<() => void> = [];
  #ended = false;
  #error: unknown;

  constructor(
    readonly capacity: number,
    readonly onReturn: () => void = () => {},
  ) {}

  /** Hands an item over; the promise (if any) resolves when there is room again. */
  push(item: T): Promise<void> | undefined {
    if (this.#ended) return undefined;
    const consumer = this.#waitingConsumer;
    if (consumer) {
      this.#waitingConsumer = undefined;
      this.#pendingReject = undefined;
      consumer({ value: item, done: false });
      return undefined;
    }
    this.#items.push(item);
    if (this.#items.length - this.#head < this.capacity) return undefined;
    return new Promise((resolve) => this.#waitingProducers.push(resolve));
  }

  /** No more items (after those waiting); with `error`, the consumer gets it after them. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    for (const resolve of this.#waitingProducers.splice(0)) resolve();
    const consumer = this.#waitingConsumer;
    const reject = this.#pendingReject;
    if (consumer && this.#items.length === this.#head) {
      this.#waitingConsumer = undefined;
      this.#pendingReject = undefined;
      if (error === undefined) consumer({ value: undefined, done: true });
      else {
        this.#error = undefined;
        reject?.(error);
      }
    }
  }

  #pendingReject: ((error: unknown) => void) | undefined;

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined as T;
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      if (this.#items.length - this.#head < this.capacity) for (const resolve of this.#waitingProducers.splice(0)) resolve();
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended) {
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waitingConsumer = resolve;
      this.#pendingReject = reject;
    });
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    this.#items.length = 0;
    this.#head = 0;
    this.onReturn();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
