// Helpers shared by this package's tests (not a test file itself).

const encoder = new TextEncoder();

/** Bytes of a string (UTF-8) or the bytes themselves. */
export function bytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value;
}

/** One multiplexed frame: 8-byte `>BxxxL` header and payload. */
export function frame(type: number, payload: string | Uint8Array): Uint8Array {
  const body = bytes(payload);
  const out = new Uint8Array(8 + body.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(4, body.length, false);
  out.set(body, 8);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Cuts `data` into chunks whose sizes cycle through `sizes`. At most about `maxChunks` chunks:
 * a larger stream gets a proportionally larger minimum chunk, so property runs stay fast
 * while every stream up to `maxChunks` bytes can still be cut into single bytes.
 */
export function rechunk(data: Uint8Array, sizes: readonly number[], maxChunks = 2_000): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const floor = Math.max(1, Math.ceil(data.length / maxChunks));
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const size = Math.max(floor, sizes[i++ % sizes.length] ?? 1);
    // Each chunk gets its own ArrayBuffer, as a socket would hand out.
    chunks.push(data.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/**
 * A source iterator that records `return()` calls. With `hang`, after its items it stays
 * pending (like a quiet `follow` socket) until `return()` is called.
 */
export class TrackedSource<T> implements AsyncIterableIterator<T> {
  returned = 0;
  nexts = 0;
  #index = 0;
  #pending: ((result: IteratorResult<T>) => void) | undefined;

  constructor(
    private readonly items: readonly T[],
    private readonly options: { hang?: boolean; failWith?: unknown; queued?: readonly boolean[] } = {},
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    this.nexts++;
    if (this.returned > 0) return Promise.resolve({ done: true, value: undefined });
    if (this.#index < this.items.length) {
      return Promise.resolve({ done: false, value: this.items[this.#index++] as T });
    }
    if (this.options.failWith !== undefined) return Promise.reject(this.options.failWith);
    if (!this.options.hang) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.#pending = resolve;
    });
  }

  /**
   * With `queued`, items also come out synchronously through the `Symbol.for('dockyard.takeQueued')`
   * method (as `@dockyard/transport`'s readers offer it): `queued[i]` says whether the i-th call
   * finds an item waiting.
   */
  [Symbol.for('dockyard.takeQueued')](): T | undefined {
    const waiting = this.options.queued?.[this.takes++ % this.options.queued.length];
    if (!waiting || this.returned > 0 || this.#index >= this.items.length) return undefined;
    return this.items[this.#index++] as T;
  }

  takes = 0;

  async return(): Promise<IteratorResult<T>> {
    this.returned++;
    this.#pending?.({ done: true, value: undefined });
    this.#pending = undefined;
    return { done: true, value: undefined };
  }
}

/** Everything an iterable yields, and the error it ended with, if any. */
export async function outcome<T>(iterable: AsyncIterable<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

/** A straightforward reference decoder over the whole stream, for property tests (frames whole). */
export function referenceDemux(data: Uint8Array): {
  frames: { stream: 'stdout' | 'stderr'; data: Uint8Array }[];
  error?: string;
} {
  const frames: { stream: 'stdout' | 'stderr'; data: Uint8Array }[] = [];
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 8) return { frames, error: 'truncated' };
    const type = data[at] as number;
    const size = new DataView(data.buffer, data.byteOffset + at, 8).getUint32(4, false);
    if (type > 3) return { frames, error: 'invalid' };
    if (data.length - at - 8 < size) {
      // The pieces of a truncated payload that did arrive are handed out before the error.
      if (type < 3 && data.length - at > 8) frames.push({ stream: type === 2 ? 'stderr' : 'stdout', data: data.subarray(at + 8) });
      return { frames, error: 'truncated' };
    }
    const payload = data.subarray(at + 8, at + 8 + size);
    if (type === 3) return { frames, error: `system:${text(payload)}` };
    if (size > 0) frames.push({ stream: type === 2 ? 'stderr' : 'stdout', data: payload });
    at += 8 + size;
  }
  return { frames };
}
