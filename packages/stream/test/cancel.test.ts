import { describe, expect, it } from 'vitest';
import {
  type Chunk,
  demuxFrames,
  jsonStream,
  lines,
  progressStream,
  rawChunks,
  splitStreams,
} from '../src/index.js';
import { bytes, frame, TrackedSource } from './support.js';

/** Each function over a source that yields one item and then stays pending like a quiet socket. */
/** What the tests look at in a source. */
interface Watched {
  returned: number;
  nexts: number;
}

const cases: { name: string; make: () => { source: Watched; it: AsyncIterableIterator<unknown> } }[] = [
  {
    name: 'demuxFrames',
    make: () => {
      const source = new TrackedSource([frame(1, 'a')], { hang: true });
      return { source, it: demuxFrames(source) };
    },
  },
  {
    name: 'rawChunks',
    make: () => {
      const source = new TrackedSource([bytes('a')], { hang: true });
      return { source, it: rawChunks(source) };
    },
  },
  {
    name: 'lines',
    make: () => {
      const source = new TrackedSource<Chunk>([{ stream: 'stdout', data: bytes('a\n') }], { hang: true });
      return { source, it: lines(source) };
    },
  },
  {
    name: 'jsonStream',
    make: () => {
      const source = new TrackedSource([bytes('{"a":1}\n')], { hang: true });
      return { source, it: jsonStream(source) };
    },
  },
  {
    name: 'progressStream',
    make: () => {
      const source = new TrackedSource([bytes('{"status":"x"}\n')], { hang: true });
      return { source, it: progressStream(source) };
    },
  },
  {
    name: 'splitStreams (both sides)',
    make: () => {
      const source = new TrackedSource<Chunk>([{ stream: 'stdout', data: bytes('a') }], { hang: true });
      const { stdout, stderr } = splitStreams(source);
      // One iterator whose return() cancels both sides.
      const it: AsyncIterableIterator<unknown> = {
        next: () => stdout.next(),
        return: async () => {
          await stderr.return?.();
          return (await stdout.return?.()) ?? { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      return { source, it };
    },
  },
];

describe.each(cases)('cancelling $name', ({ make }) => {
  it('break closes the source', async () => {
    const { source, it } = make();
    for await (const _ of it) break;
    expect(source.returned).toBe(1);
  });

  it('return() while the source is pending closes it and ends the pending next()', async () => {
    const { source, it } = make();
    await it.next();
    const pending = it.next();
    await new Promise((resolve) => setImmediate(resolve));
    await it.return?.();
    expect(source.returned).toBe(1);
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('return() before the first next() closes a source that is itself an iterator', async () => {
    const { source, it } = make();
    await it.return?.();
    expect(source.returned).toBe(1);
    expect(source.nexts).toBe(0);
  });
});

describe('cancellation through a pipeline', () => {
  it('break in lines(demuxFrames(generator)) runs the generator’s finally', async () => {
    let closed = false;
    async function* socket() {
      try {
        yield frame(1, 'one\ntwo\n');
        yield frame(2, 'three\n');
      } finally {
        closed = true;
      }
    }
    for await (const line of lines(demuxFrames(socket()))) {
      expect(line.text).toBe('one');
      break;
    }
    expect(closed).toBe(true);
  });

  it('a consumer error thrown inside for-await closes the source too', async () => {
    const source = new TrackedSource([frame(1, 'a'), frame(1, 'b')], { hang: true });
    await expect(
      (async () => {
        for await (const _ of demuxFrames(source)) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    expect(source.returned).toBe(1);
  });

  it('[Symbol.asyncDispose] closes the source (what await using calls)', async () => {
    const source = new TrackedSource([frame(1, 'a')], { hang: true });
    {
      const it = demuxFrames(source);
      await (it as unknown as AsyncDisposable)[Symbol.asyncDispose]();
    }
    expect(source.returned).toBe(1);
  });
});
