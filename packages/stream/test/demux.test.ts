import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demuxFrames, StreamError } from '../src/index.js';
import { concat, frame, outcome, rechunk, referenceDemux, TrackedSource, text } from './support.js';

async function demux(chunks: Uint8Array[]) {
  return outcome(demuxFrames(new TrackedSource(chunks)));
}

describe('demuxFrames', () => {
  it('tags stream bytes 1 and 0 as stdout and 2 as stderr', async () => {
    const { items, error } = await demux([concat([frame(1, 'out'), frame(2, 'err'), frame(0, 'in')])]);
    expect(error).toBeUndefined();
    expect(items.map((c) => [c.stream, text(c.data)])).toEqual([
      ['stdout', 'out'],
      ['stderr', 'err'],
      ['stdout', 'in'],
    ]);
  });

  it('skips zero-length frames and ends cleanly on an empty stream', async () => {
    expect((await demux([concat([frame(1, ''), frame(2, 'x'), frame(2, '')])])).items.map((c) => text(c.data))).toEqual(['x']);
    expect(await demux([])).toEqual({ items: [] });
  });

  it('hands out views of the source chunk for frames inside one chunk', async () => {
    const chunk = concat([frame(1, 'hello'), frame(2, 'world')]);
    const { items } = await demux([chunk]);
    for (const item of items) expect(item.data.buffer).toBe(chunk.buffer);
    expect(items[0]?.data.byteOffset).toBe(8);
  });

  it('keeps a view when only the header straddles two chunks', async () => {
    const data = concat([frame(1, 'ab'), frame(2, 'payload')]);
    const chunks = [data.slice(0, 13), data.slice(13)]; // second header split 3 | 5
    const { items } = await demux(chunks);
    expect(items.map((c) => text(c.data))).toEqual(['ab', 'payload']);
    expect(items[1]?.data.buffer).toBe(chunks[1]?.buffer);
  });

  it('copies a frame that spans chunks into one array', async () => {
    const payload = 'x'.repeat(100);
    const chunks = rechunk(frame(2, payload), [30]);
    const { items } = await demux(chunks);
    expect(items).toHaveLength(1);
    expect(text(items[0]!.data)).toBe(payload);
    expect(chunks.some((c) => c.buffer === items[0]?.data.buffer)).toBe(false);
  });

  it('hands out plain Uint8Arrays, views or copies, when the source hands out Buffers', async () => {
    const source = [Buffer.from(frame(1, 'inside')), ...rechunk(frame(2, 'spanning payload'), [5]).map((c) => Buffer.from(c))];
    const { items } = await demux(source);
    expect(items.map((c) => [c.stream, text(c.data), c.data.constructor])).toEqual([
      ['stdout', 'inside', Uint8Array],
      ['stderr', 'spanning payload', Uint8Array],
    ]);
    expect(items[0]?.data.buffer).toBe(source[0]?.buffer);
  });

  it('throws a StreamError with the text of a system-error frame, after the frames before it', async () => {
    const source = new TrackedSource([concat([frame(1, 'a'), frame(3, 'container gone'), frame(1, 'b')])], { hang: true });
    const { items, error } = await outcome(demuxFrames(source));
    expect(items.map((c) => text(c.data))).toEqual(['a']);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as Error).message).toBe('container gone');
    expect(source.returned).toBe(1);
  });

  it('throws on a system-error frame split across chunks, and on an empty one', async () => {
    const { error } = await demux(rechunk(frame(3, 'split error'), [3]));
    expect((error as Error).message).toBe('split error');
    const empty = await demux([frame(3, '')]);
    expect(empty.error).toBeInstanceOf(StreamError);
  });

  it('refuses an unknown stream byte instead of guessing TTY', async () => {
    const source = new TrackedSource([concat([frame(1, 'ok'), new TextEncoder().encode('plain tty text!')])], { hang: true });
    const { items, error } = await outcome(demuxFrames(source));
    expect(items).toHaveLength(1);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as Error).message).toMatch(/stream byte 112 at byte 10/);
    expect(source.returned).toBe(1);
  });

  it('throws "truncated frame" when the stream ends inside a header or a payload', async () => {
    const inHeader = await demux([concat([frame(1, 'ok'), new Uint8Array([1, 0, 0])])]);
    expect(inHeader.items).toHaveLength(1);
    expect(inHeader.error).toBeInstanceOf(StreamError);
    expect((inHeader.error as Error).message).toMatch(/^truncated frame: .*3 of 8 header bytes/);
    const inPayload = await demux([frame(2, 'abcdef').subarray(0, 11)]);
    expect((inPayload.error as Error).message).toMatch(/^truncated frame: .*3 of 6 payload bytes/);
  });

  it('passes the source error through unchanged', async () => {
    const boom = new Error('socket reset');
    const { items, error } = await outcome(demuxFrames(new TrackedSource([frame(1, 'a')], { failWith: boom })));
    expect(items).toHaveLength(1);
    expect(error).toBe(boom);
  });

  it('reads frame sizes above 2^31 as unsigned', async () => {
    const header = new Uint8Array([1, 0, 0, 0, 0x80, 0, 0, 1]);
    const { error } = await demux([header, new Uint8Array(10)]);
    expect((error as Error).message).toMatch(/10 of 2147483649 payload bytes/);
  });

  it('serves concurrent next() calls in order', async () => {
    const it = demuxFrames(new TrackedSource(rechunk(concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'c')]), [4])));
    const results = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
    expect(results.map((r) => (r.done ? 'done' : text(r.value.data)))).toEqual(['a', 'b', 'c', 'done']);
  });
});

// Sizes biased small, with some large (up to 70 000 bytes), so 1 000 cases stay fast.
const frameSize = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 70_000 }) },
);
const frames = fc.array(fc.record({ type: fc.integer({ min: 0, max: 2 }), size: frameSize, seed: fc.nat(255) }), {
  maxLength: 12,
});
const chunkSizes = fc.oneof(
  fc.constant([1]),
  fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 }),
  fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 8 }),
);

function payloadOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (seed + i * 31) & 0xff;
  return out;
}

describe('demuxFrames properties', () => {
  it('equals the model for random frame sequences and any re-chunking', async () => {
    await fc.assert(
      fc.asyncProperty(frames, chunkSizes, async (spec, sizes) => {
        const payloads = spec.map((f) => payloadOf(f.size, f.seed));
        const chunks = rechunk(concat(spec.map((f, i) => frame(f.type, payloads[i]!))), sizes);
        const { items, error } = await outcome(demuxFrames(new TrackedSource(chunks)));
        expect(error).toBeUndefined();
        const expected = spec.flatMap((f, i) =>
          f.size === 0 ? [] : [{ stream: f.type === 2 ? 'stderr' : 'stdout', data: payloads[i] }],
        );
        expect(items.length).toBe(expected.length);
        items.forEach((item, i) => {
          expect(item.stream).toBe(expected[i]?.stream);
          expect(Buffer.compare(item.data, expected[i]!.data as Uint8Array)).toBe(0);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('hands out views exactly when a payload lies inside one chunk', async () => {
    await fc.assert(
      fc.asyncProperty(frames, chunkSizes, async (spec, sizes) => {
        const chunks = rechunk(concat(spec.map((f) => frame(f.type, payloadOf(f.size, f.seed)))), sizes);
        const { items } = await outcome(demuxFrames(new TrackedSource(chunks)));
        // Where each payload starts and ends in the stream, and which chunk each byte is in.
        const starts: number[] = [];
        let at = 0;
        for (const f of spec) {
          if (f.size > 0) starts.push(at + 8);
          at += 8 + f.size;
        }
        const chunkStarts: number[] = [];
        let c = 0;
        for (const chunk of chunks) {
          chunkStarts.push(c);
          c += chunk.length;
        }
        const chunkAt = (pos: number) => chunkStarts.findLastIndex((s) => s <= pos);
        items.forEach((item, i) => {
          const start = starts[i]!;
          const first = chunkAt(start);
          const inOne = first === chunkAt(start + item.data.length - 1);
          expect(item.data.buffer === chunks[first]?.buffer).toBe(inOne);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes never hang: they decode like the reference or throw StreamError', async () => {
    // Bytes biased towards valid stream bytes and small sizes so that some streams decode.
    const byte = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 255 }));
    await fc.assert(
      fc.asyncProperty(fc.array(byte, { maxLength: 120 }), chunkSizes, async (raw, sizes) => {
        const data = Uint8Array.from(raw);
        const { items, error } = await outcome(demuxFrames(new TrackedSource(rechunk(data, sizes))));
        const reference = referenceDemux(data);
        expect(items.map((c) => [c.stream, Buffer.from(c.data).toString('hex')])).toEqual(
          reference.frames.map((c) => [c.stream, Buffer.from(c.data).toString('hex')]),
        );
        if (reference.error === undefined) {
          expect(error).toBeUndefined();
        } else {
          expect(error).toBeInstanceOf(StreamError);
          const message = (error as Error).message;
          if (reference.error === 'truncated') expect(message).toMatch(/^truncated frame/);
          else if (reference.error === 'invalid') expect(message).toMatch(/^invalid frame header/);
          else if (reference.error !== 'system:') expect(message).toBe(reference.error.slice('system:'.length));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
