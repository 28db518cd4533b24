import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Merge } from '../src/fleet/merge.js';

/** A source that yields `items`, then throws `error` or waits for good (`hang`), counting return() calls. */
class Source implements AsyncIterable<string> {
  returned = 0;
  #release: (() => void) | undefined;
  constructor(
    readonly items: string[],
    readonly end: { error?: Error; hang?: boolean } = {},
  ) {}
  [Symbol.asyncIterator](): AsyncIterator<string> {
    let i = 0;
    return {
      next: async () => {
        await Promise.resolve();
        if (i < this.items.length) return { done: false, value: this.items[i++] as string };
        if (this.end.error) throw this.end.error;
        if (this.end.hang) await new Promise<void>((resolve) => (this.#release = resolve));
        return { done: true, value: undefined };
      },
      return: async () => {
        this.returned += 1;
        this.#release?.();
        return { done: true, value: undefined };
      },
    };
  }
}

async function collect<T>(it: AsyncIterable<T>, max = Infinity): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length >= max) break;
  }
  return out;
}

describe('Merge', () => {
  it('yields every item of every source once, each source in its own order, and ends when all ended', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.string({ maxLength: 3 }), { maxLength: 6 }), { maxLength: 5 }), async (lists) => {
        const tagged = lists.map((l, s) => l.map((x, i) => `${s}:${i}:${x}`));
        const got = await collect(new Merge(tagged.map((l) => new Source(l))));
        expect([...got].sort()).toEqual(tagged.flat().sort());
        for (const [s, l] of tagged.entries()) expect(got.filter((x) => x.startsWith(`${s}:`))).toEqual(l);
      }),
      { numRuns: 200 },
    );
  });

  it('one source throwing does not end the others: its error becomes an item through onError', async () => {
    const boom = new Error('engine b failed');
    const a = new Source(['a1', 'a2', 'a3']);
    const b = new Source(['b1'], { error: boom });
    const got = await collect(new Merge<string>([a, b], { onError: (e) => `error: ${(e as Error).message}` }));
    expect(got.filter((x) => x.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(got).toContain('b1');
    expect(got).toContain('error: engine b failed');
  });

  it('without onError, the first error closes the other sources and is thrown', async () => {
    const a = new Source(['a1'], { hang: true });
    const b = new Source([], { error: new Error('x') });
    const merge = new Merge<string>([a, b]);
    await expect(collect(merge)).rejects.toThrow('x');
    expect(a.returned).toBe(1);
  });

  it('return() (break) closes every source, also those waiting for an item, and a pending next() ends', async () => {
    const a = new Source(['a1'], { hang: true });
    const b = new Source([], { hang: true });
    const merge = new Merge<string>([a, b]);
    expect(await merge.next()).toEqual({ done: false, value: 'a1' });
    const pending = merge.next();
    await new Promise((r) => setTimeout(r, 5));
    await merge.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect([a.returned, b.returned]).toEqual([1, 1]);
    expect(await merge.next()).toEqual({ done: true, value: undefined });
  });

  it('sources added while it runs are read; added after it closed, they are closed at once', async () => {
    const merge = new Merge<string>([new Source(['a'], { hang: true })]);
    expect(await merge.next()).toEqual({ done: false, value: 'a' });
    const pending = merge.next();
    merge.add(new Source(['late']));
    expect(await pending).toEqual({ done: false, value: 'late' });
    await merge.return();
    const after = new Source(['never'], { hang: true });
    merge.add(after);
    await new Promise((r) => setTimeout(r, 1));
    expect(after.returned).toBe(1);
  });
});
