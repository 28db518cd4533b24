import { describe, expect, it } from 'vitest';
import { AbortError, DockerError } from '@dockyard/transport';
import { demuxFrames } from '@dockyard/stream';
import { LazyStream } from '../src/lazy-stream.js';
import { turn, watch } from './support/settle.js';

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

  describe('over a @dockyard/stream iterator (its promises handed out as they are)', () => {
    /** Frames of `text` on stdout, then a source that fails when `signal` aborts, or ends. */
    function frames(texts: string[], { hang = false, fail }: { hang?: boolean; fail?: Error } = {}) {
      const state = { closed: 0 };
      const open = async (signal: AbortSignal) =>
        demuxFrames(
          (async function* () {
            try {
              for (const t of texts) yield Uint8Array.from([1, 0, 0, 0, 0, 0, 0, t.length, ...Buffer.from(t)]);
              if (fail) throw fail;
              // A half frame, then a socket that breaks when the stream is closed.
              if (hang) {
                yield Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 9, 0x61]);
                await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('socket destroyed'))));
              }
            } finally {
              state.closed++;
            }
          })(),
        );
      return { open, state };
    }

    it('reads to the end and calls onEnd once', async () => {
      const { open } = frames(['ab', 'cd']);
      let ends = 0;
      const got: string[] = [];
      for await (const c of new LazyStream(open, {}, { onEnd: () => ends++ })) got.push(Buffer.from(c.data).toString());
      expect(got).toEqual(['ab', 'cd']);
      expect(ends).toBe(1);
    });

    it('an abort while a read is pending ends the loop with AbortError and calls onEnd', async () => {
      const { open, state } = frames(['ab'], { hang: true });
      const controller = new AbortController();
      let ends = 0;
      const stream = new LazyStream(open, { signal: controller.signal }, { onEnd: () => ends++ });
      const it = stream[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false);
      expect((await it.next()).done).toBe(false); // the piece of the half frame
      // The read is already waiting on the socket when the abort comes.
      const pending = it.next();
      await new Promise((r) => setImmediate(r));
      controller.abort(new Error('stop'));
      await expect(pending).rejects.toBeInstanceOf(AbortError);
      expect(ends).toBe(1);
      expect(state.closed).toBe(1);
      expect(await it.next()).toEqual({ done: true, value: undefined });
    });

    it('a source error reaches the loop unchanged', async () => {
      const boom = new Error('engine went away');
      const { open } = frames(['ab'], { fail: boom });
      let ends = 0;
      const got: string[] = [];
      await expect(
        (async () => {
          for await (const c of new LazyStream(open, {}, { onEnd: () => ends++ })) got.push(Buffer.from(c.data).toString());
        })(),
      ).rejects.toBe(boom);
      expect(got).toEqual(['ab']);
      expect(ends).toBe(1);
    });
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
