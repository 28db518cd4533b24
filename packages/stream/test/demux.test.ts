import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demuxFrames, StreamError } from '../src/index.js';
import { bytes, concat, frame, outcome, rechunk, referenceDemux, TrackedSource, text } from './support.js';

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

  it('hands out a frame that spans chunks as its pieces, one view per chunk, never copied', async () => {
    const payload = 'x'.repeat(100);
    const chunks = rechunk(frame(2, payload), [30]); // 8 header + 22 | 30 | 30 | 18
    const { items } = await demux(chunks);
    expect(items.map((c) => [c.stream, text(c.data)])).toEqual([
      ['stderr', 'x'.repeat(22)],
      ['stderr', 'x'.repeat(30)],
      ['stderr', 'x'.repeat(30)],
      ['stderr', 'x'.repeat(18)],
    ]);
    items.forEach((item, i) => expect(item.data.buffer).toBe(chunks[i]?.buffer));
  });

  it('hands out plain Uint8Array views when the source hands out Buffers', async () => {
    const source = [Buffer.from(frame(1, 'inside')), ...rechunk(frame(2, 'spanning payload'), [5]).map((c) => Buffer.from(c))];
    const { items } = await demux(source);
    expect(items.map((c) => [c.stream, text(c.data), c.data.constructor])).toEqual([
      ['stdout', 'inside', Uint8Array],
      ['stderr', 'sp', Uint8Array],
      ['stderr', 'annin', Uint8Array],
      ['stderr', 'g pay', Uint8Array],
      ['stderr', 'load', Uint8Array],
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

/** Consecutive items of one stream joined, as [stream, hex] pairs. */
function runs(items: readonly { stream: string; data: Uint8Array }[]): [string, string][] {
  const out: [string, string][] = [];
  for (const { stream, data } of items) {
    const last = out.at(-1);
    if (last && last[0] === stream) last[1] += Buffer.from(data).toString('hex');
    else out.push([stream, Buffer.from(data).toString('hex')]);
  }
  return out;
}

function payloadOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (seed + i * 31) & 0xff;
  return out;
}

describe('demuxFrames properties', () => {
  it('hands out each frame as one view per source chunk it lies in, in order, for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(frames, chunkSizes, async (spec, sizes) => {
        const payloads = spec.map((f) => payloadOf(f.size, f.seed));
        const chunks = rechunk(concat(spec.map((f, i) => frame(f.type, payloads[i]!))), sizes);
        const { items, error } = await outcome(demuxFrames(new TrackedSource(chunks)));
        expect(error).toBeUndefined();
        // Where each chunk starts in the stream.
        const chunkStarts: number[] = [];
        let c = 0;
        for (const chunk of chunks) {
          chunkStarts.push(c);
          c += chunk.length;
        }
        const chunkAt = (pos: number) => {
          let lo = 0;
          let hi = chunkStarts.length - 1;
          while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (chunkStarts[mid]! <= pos) lo = mid;
            else hi = mid - 1;
          }
          return lo;
        };
        // The expected pieces: each non-empty payload cut at the chunk boundaries inside it.
        const expected: { stream: string; at: number; length: number }[] = [];
        let at = 0;
        for (const f of spec) {
          const start = at + 8;
          at = start + f.size;
          for (let p = start; p < at; ) {
            const chunkEnd = (chunkStarts[chunkAt(p) + 1] ?? Infinity) as number;
            const length = Math.min(at, chunkEnd) - p;
            expected.push({ stream: f.type === 2 ? 'stderr' : 'stdout', at: p, length });
            p += length;
          }
        }
        const stream = concat(chunks);
        // Checked in plain code, one expect at the end: thousands of pieces per case.
        const wrong = items.findIndex((item, i) => {
          const e = expected[i];
          if (e === undefined) return true;
          const chunk = chunkAt(e.at);
          return (
            item.stream !== e.stream ||
            item.data.length !== e.length ||
            // A view of the chunk it lies in, at the right place: never a copy.
            item.data.buffer !== chunks[chunk]?.buffer ||
            item.data.byteOffset !== chunks[chunk]!.byteOffset + e.at - chunkStarts[chunk]! ||
            Buffer.compare(item.data, stream.subarray(e.at, e.at + e.length)) !== 0
          );
        });
        expect(wrong).toBe(-1);
        expect(items.length).toBe(expected.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('per-stream bytes equal the frames\' payloads whatever the chunking, chunks taken synchronously or not', async () => {
    const queued = fc.option(fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(frames, chunkSizes, chunkSizes, queued, async (spec, sizesA, sizesB, takes) => {
        const payloads = spec.map((f) => payloadOf(f.size, f.seed));
        const data = concat(spec.map((f, i) => frame(f.type, payloads[i]!)));
        const perStream = async (sizes: readonly number[]) => {
          const { items, error } = await outcome(demuxFrames(new TrackedSource(rechunk(data, sizes), { queued: takes })));
          expect(error).toBeUndefined();
          const side = (name: string) => Buffer.from(concat(items.filter((c) => c.stream === name).map((c) => c.data))).toString('hex');
          return [side('stdout'), side('stderr')];
        };
        const model = (type: (t: number) => boolean) =>
          Buffer.from(concat(spec.flatMap((f, i) => (type(f.type) ? [payloads[i]!] : [])))).toString('hex');
        const a = await perStream(sizesA);
        expect(a).toEqual([model((t) => t !== 2), model((t) => t === 2)]);
        expect(await perStream(sizesB)).toEqual(a);
      }),
      { numRuns: 500 },
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
        // Pieces of one frame come out apart: compare runs of one stream's bytes.
        expect(runs(items)).toEqual(runs(reference.frames));
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

const STAMP = '2026-11-23T18:28:43.123456789Z';

describe('demuxFrames with timestamps', () => {
  it('splits each frame\'s prefix into timestamp on all of its pieces, also a prefix split across chunks', async () => {
    const data = concat([frame(1, `${STAMP} hello\n`), frame(2, `${STAMP} world\n`)]);
    const chunks = rechunk(data, [12, 5, 30]); // the first prefix spans three chunks
    const { items, error } = await outcome(demuxFrames(new TrackedSource(chunks), { timestamps: true }));
    expect(error).toBeUndefined();
    expect(runs(items.map((c) => ({ stream: `${c.stream} ${c.timestamp}`, data: c.data })))).toEqual([
      [`stdout ${STAMP}`, Buffer.from('hello\n').toString('hex')],
      [`stderr ${STAMP}`, Buffer.from('world\n').toString('hex')],
    ]);
  });

  it('hands out a message spanning chunks whole (one copy), a frame over 64 KiB in pieces', async () => {
    const message = `${STAMP} ${'m'.repeat(40_000)}\n`;
    const big = `${STAMP} ${'b'.repeat(70_000)}`;
    const data = concat([frame(1, message), frame(2, big)]);
    const chunks = rechunk(data, [16_384]);
    const { items, error } = await outcome(demuxFrames(new TrackedSource(chunks), { timestamps: true }));
    expect(error).toBeUndefined();
    expect(items[0]?.timestamp).toBe(STAMP);
    expect(text(items[0]!.data)).toBe(`${'m'.repeat(40_000)}\n`);
    expect(items.slice(1).length).toBeGreaterThan(1);
    expect(items.slice(1).every((c) => c.stream === 'stderr' && c.timestamp === STAMP)).toBe(true);
    expect(items.slice(1).reduce((n, c) => n + c.data.length, 0)).toBe(70_000);
  });

  it('passes a frame without a space in its first 41 bytes, or starting with one, unchanged', async () => {
    const long = 'x'.repeat(60);
    const { items } = await outcome(demuxFrames(new TrackedSource([concat([frame(1, long), frame(1, ' lead'), frame(1, 'short')])]), { timestamps: true }));
    expect(items.map((c) => [text(c.data), c.timestamp])).toEqual([
      [long, undefined],
      [' lead', undefined],
      ['short', undefined],
    ]);
  });

  it('gives the same timestamps and bytes per frame whatever the chunking', async () => {
    const message = fc.record({
      type: fc.integer({ min: 0, max: 2 }),
      stamp: fc.oneof(fc.constant(STAMP), fc.constant('2026-11-23T18:28:44Z'), fc.constant(''), fc.string({ unit: 'binary', maxLength: 45 })),
      body: fc.string({ maxLength: 300 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(message, { maxLength: 10 }), chunkSizes, async (spec, sizes) => {
        const payloads = spec.map((m) => bytes(m.stamp === '' ? m.body : `${m.stamp} ${m.body}`));
        const data = concat(spec.map((m, i) => frame(m.type, payloads[i]!)));
        const { items, error } = await outcome(demuxFrames(new TrackedSource(rechunk(data, sizes)), { timestamps: true }));
        expect(error).toBeUndefined();
        // The model: the whole frame at once, the first space at index 1..40 ends the prefix.
        const model = spec.flatMap((m, i) => {
          const payload = payloads[i]!;
          const stream = m.type === 2 ? 'stderr' : 'stdout';
          if (payload.length === 0) return [];
          const space = payload.indexOf(0x20);
          if (space > 0 && space <= 40) {
            const rest = payload.subarray(space + 1);
            return rest.length === 0 ? [] : [{ stream: `${stream} ${text(payload.subarray(0, space))}`, data: rest }];
          }
          return [{ stream: `${stream} undefined`, data: payload }];
        });
        // Each message (a frame) comes out whole, as one chunk, whatever the chunking.
        const hex = (list: { stream: string; data: Uint8Array }[]) => list.map((c) => [c.stream, Buffer.from(c.data).toString('hex')]);
        expect(hex(items.map((c) => ({ stream: `${c.stream} ${c.timestamp}`, data: c.data })))).toEqual(hex(model));
      }),
      { numRuns: 1000 },
    );
  });
});
