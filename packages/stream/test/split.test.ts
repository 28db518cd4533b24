import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Chunk, splitStreams } from '../src/index.js';
import { bytes, collect, TrackedSource, text } from './support.js';

const out = (s: string): Chunk => ({ stream: 'stdout', data: bytes(s) });
const err = (s: string): Chunk => ({ stream: 'stderr', data: bytes(s) });
const joined = (parts: Uint8Array[]) => parts.map(text).join('');

/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('splitStreams', () => {
  it('splits concurrently read sides', async () => {
    const { stdout, stderr } = splitStreams(new TrackedSource([out('a'), err('1'), out('b'), err('2'), out('c')]));
    const [o, e] = await Promise.all([collect(stdout), collect(stderr)]);
    expect(joined(o)).toBe('abc');
    expect(joined(e)).toBe('12');
  });

  it('can be read one side after the other while the other side fits its buffer', async () => {
    const { stdout, stderr } = splitStreams(new TrackedSource([err('x'), out('a'), err('y'), out('b')]));
    expect(joined(await collect(stdout))).toBe('ab');
    expect(joined(await collect(stderr))).toBe('xy');
  });

  it('reads the source only on demand and pauses it while an unread side is full', async () => {
    const source = new TrackedSource([err('12345'), err('67890'), out('a'), out('b')]);
    const { stdout, stderr } = splitStreams(source, { highWaterMark: 8 });
    await settle();
    expect(source.nexts).toBe(0); // nothing asked yet
    const first = stdout.next();
    await settle();
    // Two stderr chunks (10 bytes ≥ 8) buffered, then the source is paused: stdout waits.
    expect(source.nexts).toBe(2);
    let resolved = false;
    void first.then(() => (resolved = true));
    await settle();
    expect(resolved).toBe(false);
    // Reading stderr frees its buffer and lets the source go on.
    expect(text((await stderr.next()).value as Uint8Array)).toBe('12345');
    expect(text((await first).value as Uint8Array)).toBe('a');
    expect(joined(await collect(stdout))).toBe('b');
    expect(joined(await collect(stderr))).toBe('67890');
  });

  it('drops the data of a cancelled side and no longer waits for it', async () => {
    const source = new TrackedSource([err('big'), err('bigger'), out('a'), out('b')]);
    const { stdout, stderr } = splitStreams(source, { highWaterMark: 2 });
    await stderr.return?.();
    expect(source.returned).toBe(0);
    expect(joined(await collect(stdout))).toBe('ab');
    expect(await stderr.next()).toEqual({ done: true, value: undefined });
  });

  it('passes a source error to both sides, after their buffered data', async () => {
    const boom = new Error('connection reset');
    const { stdout, stderr } = splitStreams(new TrackedSource([err('e'), out('o')], { failWith: boom }));
    await expect(collect(stdout)).rejects.toBe(boom);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const data of stderr) seen.push(text(data));
      })(),
    ).rejects.toBe(boom);
    expect(seen).toEqual(['e']);
  });

  it('ends both sides when the source ends, also a side nobody got data for', async () => {
    const { stdout, stderr } = splitStreams(new TrackedSource([out('only stdout')]));
    expect(joined(await collect(stdout))).toBe('only stdout');
    expect(await collect(stderr)).toEqual([]);
  });

  it('closes the source once both sides are cancelled, even while it is pending', async () => {
    const source = new TrackedSource<Chunk>([out('a')], { hang: true });
    const { stdout, stderr } = splitStreams(source);
    for await (const _ of stdout) break;
    expect(source.returned).toBe(0);
    const pending = stderr.next();
    await settle();
    await stderr.return?.();
    expect(source.returned).toBe(1);
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('rejects a highWaterMark below 1', () => {
    expect(() => splitStreams(new TrackedSource<Chunk>([]), { highWaterMark: 0 })).toThrow(RangeError);
  });
});

describe('splitStreams properties', () => {
  it('each side gets exactly its bytes in order, for random chunks, buffer sizes and reading paces', async () => {
    const chunk = fc.record({
      stream: fc.constantFrom('stdout' as const, 'stderr' as const),
      data: fc.uint8Array({ minLength: 0, maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(chunk, { maxLength: 30 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 10 }),
        async (chunks, highWaterMark, pauses) => {
          const source = new TrackedSource<Chunk>(chunks);
          const sides = splitStreams(source, { highWaterMark });
          // Each reader yields a varying number of microtasks between reads.
          const read = async (side: AsyncIterable<Uint8Array>, offset: number) => {
            const got: number[] = [];
            let i = offset;
            for await (const data of side) {
              got.push(...data);
              for (let n = pauses[i++ % pauses.length] ?? 0; n > 0; n--) await Promise.resolve();
            }
            return got;
          };
          const [out, err] = await Promise.all([read(sides.stdout, 0), read(sides.stderr, 1)]);
          const expected = (stream: string) => chunks.filter((c) => c.stream === stream).flatMap((c) => [...c.data]);
          expect(out).toEqual(expected('stdout'));
          expect(err).toEqual(expected('stderr'));
          expect(source.returned).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
