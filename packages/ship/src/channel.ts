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

  /** Hands several items over at once; the promise (if any) resolves when there is room again. */
  pushAll(items: T[]): Promise<void> | undefined {
    if (this.#ended || items.length === 0) return undefined;
    let from = 0;
    const consumer = this.#waitingConsumer;
    if (consumer) {
      this.#waitingConsumer = undefined;
      this.#pendingReject = undefined;
      consumer({ value: items[0] as T, done: false });
      from = 1;
    }
    for (let i = from; i < items.length; i++) this.#items.push(items[i] as T);
    if (this.#items.length - this.#head < this.capacity) return undefined;
    return new Promise((resolve) => this.#waitingProducers.push(resolve));
  }

  /**
   * The items waiting, up to `max`, in one array (one promise for all of them, where `next()`
   * takes one each); waits for one when none is. `undefined` once the channel ended.
   */
  async take(max: number): Promise<T[] | undefined> {
    if (this.#head === this.#items.length) {
      const first = await this.next();
      if (first.done) return undefined;
      const out = [first.value];
      this.#takeQueued(out, max - 1);
      return out;
    }
    return this.#takeQueued([], max);
  }

  #takeQueued(out: T[], max: number): T[] {
    const stop = Math.min(this.#items.length, this.#head + max);
    for (let i = this.#head; i < stop; i++) out.push(this.#items[i] as T);
    if (stop === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else {
      this.#items.splice(0, stop);
      this.#head = 0;
    }
    if (this.#items.length < this.capacity) for (const resolve of this.#waitingProducers.splice(0)) resolve();
    return out;
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
