import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Chunk, demuxFrames, type Line, lines, StreamError } from '../src/index.js';
import { bytes, collect, concat, frame, outcome, rechunk, TrackedSource } from './support.js';

function chunk(stream: 'stdout' | 'stderr', value: string | Uint8Array, timestamp?: string): Chunk {
  return timestamp === undefined ? { stream, data: bytes(value) } : { stream, data: bytes(value), timestamp };
}

async function linesOf(chunks: Chunk[], options?: Parameters<typeof lines>[1]): Promise<Line[]> {
  return collect(lines(new TrackedSource(chunks), options));
}

const TS = '2026-11-23T18:28:43.123456789Z';

describe('lines', () => {
  it('splits on \\n and \\r\\n, keeps a lone \\r, and flushes the unterminated last line', async () => {
    const out = await linesOf([chunk('stdout', 'one\r\ntwo\nthree\rstill three\n\nlast')]);
    expect(out.map((l) => l.text)).toEqual(['one', 'two', 'three\rstill three', '', 'last']);
    expect(out.every((l) => l.stream === 'stdout' && !('timestamp' in l))).toBe(true);
  });

  it('joins lines across chunks, including a \\r\\n split between chunks', async () => {
    const out = await linesOf([chunk('stdout', 'hel'), chunk('stdout', 'lo\r'), chunk('stdout', '\nwor'), chunk('stdout', 'ld\n')]);
    expect(out.map((l) => l.text)).toEqual(['hello', 'world']);
  });

  it('keeps separate partial lines for stdout and stderr', async () => {
    const out = await linesOf([
      chunk('stdout', 'out-a'),
      chunk('stderr', 'err-a'),
      chunk('stdout', 'out-b\n'),
      chunk('stderr', 'err-b\nerr-c'),
    ]);
    expect(out).toEqual([
      { stream: 'stdout', text: 'out-aout-b' },
      { stream: 'stderr', text: 'err-aerr-b' },
      { stream: 'stderr', text: 'err-c' },
    ]);
  });

  it('decodes multi-byte characters split across chunks, per stream', async () => {
    const euro = bytes('€'); // 3 bytes
    const face = bytes('😀'); // 4 bytes
    const out = await linesOf([
      chunk('stdout', euro.subarray(0, 1)),
      chunk('stderr', face.subarray(0, 2)),
      chunk('stdout', euro.subarray(1)),
      chunk('stderr', face.subarray(2)),
      chunk('stdout', '\n'),
    ]);
    expect(out).toEqual([
      { stream: 'stdout', text: '€' },
      { stream: 'stderr', text: '😀' },
    ]);
  });

  it('turns invalid UTF-8 into U+FFFD, also for a character cut off at the end', async () => {
    const out = await linesOf([chunk('stdout', Uint8Array.of(0x61, 0xff, 0x0a, 0xe2, 0x82))]);
    expect(out.map((l) => l.text)).toEqual(['a\ufffd', '\ufffd']);
  });

  it('splits off the engine timestamp prefix when asked, and only then', async () => {
    const data = `${TS} hello world\n2026-11-23T18:28:44Z \nno timestamp here\n`;
    const out = await linesOf([chunk('stderr', data)], { timestamps: true });
    expect(out).toEqual([
      { stream: 'stderr', text: 'hello world', timestamp: TS },
      { stream: 'stderr', text: '', timestamp: '2026-11-23T18:28:44Z' },
      { stream: 'stderr', text: 'no timestamp here' },
    ]);
    const plain = await linesOf([chunk('stderr', data)]);
    expect(plain[0]).toEqual({ stream: 'stderr', text: `${TS} hello world` });
  });

  it('finds a timestamp split across chunks', async () => {
    const out = await linesOf([chunk('stdout', TS.slice(0, 10)), chunk('stdout', `${TS.slice(10)} x`), chunk('stdout', 'y\n')], {
      timestamps: true,
    });
    expect(out).toEqual([{ stream: 'stdout', text: 'xy', timestamp: TS }]);
  });

  it('takes a line timestamp from the chunk it started in when the chunk carries one', async () => {
    const out = await linesOf([chunk('stdout', 'a', 't1'), chunk('stdout', 'b\nc', 't2'), chunk('stdout', '\n', 't3')]);
    expect(out).toEqual([
      { stream: 'stdout', text: 'ab', timestamp: 't1' },
      { stream: 'stdout', text: 'c', timestamp: 't2' },
    ]);
  });

  it('emits a line longer than maxLineLength in pieces without buffering it whole', async () => {
    const source = new TrackedSource([chunk('stdout', 'abcdefgh'), chunk('stdout', 'ijk\nxy\n')]);
    const it = lines(source, { maxLineLength: 3 });
    // The first pieces come out before the line's end has been read.
    expect((await it.next()).value).toEqual({ stream: 'stdout', text: 'abc' });
    expect(source.nexts).toBe(1);
    expect((await collect(it)).map((l) => l.text)).toEqual(['def', 'ghi', 'jk', 'xy']);
  });

  it('never cuts a surrogate pair or a \\r\\n when cutting long lines', async () => {
    const out = await linesOf([chunk('stdout', 'a😀b'), chunk('stdout', 'cd\r'), chunk('stdout', '\n')], { maxLineLength: 2 });
    expect(out.map((l) => l.text)).toEqual(['a', '😀', 'bc', 'd']);
  });

  it('rejects a maxLineLength below 2', () => {
    expect(() => lines(new TrackedSource<Chunk>([]), { maxLineLength: 1 })).toThrow(RangeError);
  });

  it('passes a source error through after the complete lines', async () => {
    const boom = new StreamError('truncated frame: test');
    const { items, error } = await outcome(lines(new TrackedSource([chunk('stdout', 'a\nb')], { failWith: boom })));
    expect(items.map((l) => l.text)).toEqual(['a']);
    expect(error).toBe(boom);
  });
});

/** The model: decode each stream's bytes at once, split, strip, split timestamps, cut. */
function modelLines(data: Uint8Array, timestamps: boolean, max: number): { text: string; timestamp?: string }[] {
  const decoded = new TextDecoder('utf-8', { ignoreBOM: true }).decode(data);
  const parts = decoded.split('\n');
  const last = parts.pop() as string;
  const raw = parts.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p));
  if (last !== '') raw.push(last);
  const out: { text: string; timestamp?: string }[] = [];
  for (let text of raw) {
    let timestamp: string | undefined;
    const match = timestamps ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) /.exec(text) : null;
    if (match) {
      timestamp = match[1];
      text = text.slice(match[0].length);
    }
    const pieces: string[] = [];
    while (text.length > max) {
      let cut = max;
      const code = text.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
      pieces.push(text.slice(0, cut));
      text = text.slice(cut);
    }
    pieces.push(text);
    for (const piece of pieces) out.push(timestamp === undefined ? { text: piece } : { text: piece, timestamp });
  }
  return out;
}

const token = fc.constantFrom(
  'a',
  'word ',
  ' ',
  '\n',
  '\r',
  '\r\n',
  'é',
  '€',
  '😀',
  '\ud83d', // a lone surrogate: encodes as U+FFFD
  `${TS} `,
  '2026-11-23T18:28:44+01:00 ',
  '2026-11-23T18:28:4',
  '\ufeff',
);
const byteToken = fc.oneof(
  { weight: 6, arbitrary: token.map((t) => bytes(t)) },
  { weight: 1, arbitrary: fc.constantFrom(Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xf0, 0x9f)) },
);
const pieces = fc.array(
  fc.record({ stream: fc.constantFrom('stdout' as const, 'stderr' as const), data: fc.array(byteToken, { maxLength: 30 }) }),
  { maxLength: 10 },
);

describe('lines properties', () => {
  it('equals the per-stream model for random UTF-8, random splits, caps and timestamp settings', async () => {
    await fc.assert(
      fc.asyncProperty(
        pieces,
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.constantFrom(2, 3, 5, 16, 1024 * 1024),
        async (spec, sizes, timestamps, max) => {
          const chunks: Chunk[] = spec.flatMap(({ stream, data }) =>
            rechunk(concat(data), sizes).map((d) => ({ stream, data: d })),
          );
          const out = await linesOf(chunks, { timestamps, maxLineLength: max });
          for (const stream of ['stdout', 'stderr'] as const) {
            const all = concat(spec.filter((p) => p.stream === stream).flatMap((p) => p.data));
            const got = out.filter((l) => l.stream === stream).map(({ stream: _, ...rest }) => rest);
            expect(got).toEqual(modelLines(all, timestamps, max));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('lines of demuxed log frames', () => {
  const STAMPS = [TS, '2026-11-23T18:28:44.5Z', '2026-11-23T18:28:45+01:00'];
  /** Frames as the engine writes logs with timestamps=1: `<time> <message>` per frame. */
  const logFrames = fc.array(
    fc.record({
      type: fc.constantFrom(1, 2),
      stamp: fc.constantFrom(...STAMPS),
      message: fc.array(token, { maxLength: 12 }).map((ts) => ts.join('')),
    }),
    { maxLength: 12 },
  );
  const encode = (spec: { type: number; stamp: string; message: string }[]) =>
    concat(spec.map((m) => frame(m.type, `${m.stamp} ${m.message}`)));

  it('takes each line\'s timestamp from the frame it starts in, the prefix split across reads', async () => {
    const data = encode([
      { type: 1, stamp: STAMPS[0]!, message: 'one\n' },
      { type: 2, stamp: STAMPS[1]!, message: 'two' },
      { type: 2, stamp: STAMPS[2]!, message: ' more\n' },
    ]);
    const out = await collect(lines(demuxFrames(new TrackedSource(rechunk(data, [3, 7])), { timestamps: true })));
    expect(out).toEqual([
      { stream: 'stdout', text: 'one', timestamp: STAMPS[0] },
      { stream: 'stderr', text: 'two more', timestamp: STAMPS[1] },
    ]);
  });

  it('gives identical lines and timestamps whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(logFrames, fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), async (spec, sizes) => {
        const data = encode(spec);
        const whole = await collect(lines(demuxFrames(new TrackedSource([data]), { timestamps: true })));
        const split = await collect(lines(demuxFrames(new TrackedSource(rechunk(data, sizes)), { timestamps: true })));
        expect(split).toEqual(whole);
      }),
      { numRuns: 1000 },
    );
  });
});
