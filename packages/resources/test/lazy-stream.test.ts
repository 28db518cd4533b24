import { describe, expect, it } from 'vitest';
import { AbortError, DockerError } from '@dockyard/transport';
import { LazyStream } from '../src/lazy-stream.js';

/** A source that records whether it was opened and closed, and can block forever. */
function recordingSource(items: number[], { hang = false } = {}) {
  const state = { opened: 0, closed: 0, signal: undefined as AbortSignal | undefined };
  const open = async (signal: AbortSignal) => {
    state.opened++;
    state.signal = signal;
    async function* gen() {
      try {
        for (const i of items) yield i;
        if (hang) await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('socket destroyed'))));
      } finally {
        state.closed++;
      }
    }
    return gen();
  };
  return { open, state };
}

describe('LazyStream', () => {
  it('makes no request before the first next()', async () => {
    const { open, state } = recordingSource([1, 2]);
    const stream = new LazyStream(open);
    expect(state.opened).toBe(0);
    const got: number[] = [];
    for await (const i of stream) got.push(i);
    expect(got).toEqual([1, 2]);
    expect(state.opened).toBe(1);
  });

  it('break closes the source and aborts its signal', async () => {
    const { open, state } = recordingSource([1, 2, 3], { hang: true });
    for await (const i of new LazyStream(open)) if (i === 2) break;
    expect(state.closed).toBe(1);
    expect(state.signal?.aborted).toBe(true);
  });

  it('an AbortSignal ends a hanging loop with AbortError, a DockerError', async () => {
    const { open, state } = recordingSource([1], { hang: true });
    const controller = new AbortController();
    const stream = new LazyStream(open, { signal: controller.signal });
    const got: number[] = [];
    const loop = (async () => {
      for await (const i of stream) {
        got.push(i);
        controller.abort(new Error('stop'));
      }
    })();
    const err = await loop.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err).toBeInstanceOf(DockerError);
    expect(got).toEqual([1]);
    expect(state.closed).toBe(1);
  });

  it('an already aborted signal rejects before opening', async () => {
    const { open, state } = recordingSource([1]);
    const stream = new LazyStream(open, { signal: AbortSignal.abort() });
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(AbortError);
    expect(state.opened).toBe(0);
  });

  it('await using closes it', async () => {
    const { open, state } = recordingSource([1, 2], { hang: true });
    {
      await using stream = new LazyStream(open);
      const it = stream[Symbol.asyncIterator]();
      expect(await it.next()).toEqual({ done: false, value: 1 });
    }
    expect(state.closed).toBe(1);
  });

  it('can be iterated only once, and says so', async () => {
    const stream = new LazyStream(recordingSource([1]).open);
    for await (const _ of stream) void _;
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/already iterated/);
  });

  it('an error from the source reaches the loop unchanged and closes it', async () => {
    const boom = new Error('engine went away');
    const stream = new LazyStream<number>(async () => ({
      async *[Symbol.asyncIterator]() {
        yield 1;
        throw boom;
      },
    }));
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const i of stream) got.push(i);
      })(),
    ).rejects.toBe(boom);
    expect(got).toEqual([1]);
  });
});

describe('LazyStream: closed while another task awaits next()', () => {
  /** A source whose second read never settles and ignores the abort (the worst a source can do). */
  function wedgedSource() {
    const open = async () => {
      async function* gen() {
        yield 1;
        await new Promise(() => {});
      }
      return gen();
    };
    return open;
  }

  /** Settles `promise` into a record, so a test can look without awaiting a hang. */
  function watch<T>(promise: Promise<T>) {
    const seen: { outcome?: { value: T } | { error: unknown } } = {};
    promise.then(
      (value) => (seen.outcome = { value }),
      (error: unknown) => (seen.outcome = { error }),
    );
    return seen;
  }
  const turn = () => new Promise((r) => setImmediate(r));

  it('close() (what `await using` calls) ends the pending next() with done', async () => {
    const stream = new LazyStream(wedgedSource());
    const it = stream[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: false, value: 1 });
    const pending = watch(it.next());
    await turn();
    expect(pending.outcome).toBeUndefined();
    void stream.close();
    await turn();
    expect(pending.outcome).toEqual({ value: { done: true, value: undefined } });
    expect(stream.signal.aborted).toBe(true);
  });

  it('the AbortSignal firing rejects the pending next() with AbortError', async () => {
    const controller = new AbortController();
    const stream = new LazyStream(wedgedSource(), { signal: controller.signal });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    const pending = watch(it.next());
    controller.abort(new Error('stop'));
    await turn();
    expect(pending.outcome).toMatchObject({ error: expect.any(AbortError) });
  });

  it('a source that fails on its own still gives its error, not done', async () => {
    const stream = new LazyStream(async () => {
      const failing: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('frame broken')) }),
      };
      return failing;
    });
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow('frame broken');
  });
});
