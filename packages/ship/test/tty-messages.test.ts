import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerError } from 'dockyard';
import { LineMerger, PART_SIZE } from '../src/line-merger.js';
import { TtyMessages } from '../src/tty-messages.js';
import { cut } from './support/cut.js';

/** One line a TTY container wrote, as the engine stores it. */
interface Line {
  /** Nanoseconds since the epoch: the engine's time of the line. */
  ns: bigint;
  text: Buffer;
  /** `'line'`: ended by `\n`; `'exit'`: the container stopped inside it (no `\n`, shorter than a part). */
  end: 'line' | 'exit';
}

/** The engine's stamp form: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (RFC3339NanoFixed, UTC). */
function stamp(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
}

/**
 * What 20.10 sends for these lines with `timestamps=1`: each message `<stamp> <bytes>`; a line
 * of 16 KiB or more as 16 KiB parts with the line's time, the last part (maybe empty) ending
 * with `\n` from json-file but not from the local driver.
 */
function engineBytes(lines: Line[], driver: 'json-file' | 'local'): Buffer {
  const out: Buffer[] = [];
  for (const { ns, text, end } of lines) {
    const prefix = Buffer.from(`${stamp(ns)} `, 'latin1');
    if (end === 'exit') {
      out.push(prefix, text);
      continue;
    }
    if (text.byteLength < PART_SIZE) {
      out.push(prefix, text, Buffer.from('\n'));
      continue;
    }
    let at = 0;
    for (; text.byteLength - at >= PART_SIZE; at += PART_SIZE) out.push(prefix, text.subarray(at, at + PART_SIZE));
    out.push(prefix, text.subarray(at), Buffer.from(driver === 'json-file' ? '\n' : ''));
  }
  return Buffer.concat(out);
}

/** TtyMessages then LineMerger, as followAll reads a TTY's log: [time, line] pairs. */
function read(chunks: Buffer[]): Array<[string | undefined, string]> {
  const messages = new TtyMessages();
  const merger = new LineMerger<Uint8Array>((b) => b);
  const got: Array<[string | undefined, string]> = [];
  const onMessage = (_stream: 'stdout' | 'stderr', time: string | undefined, bytes: Uint8Array, start: number, end: number): void => {
    expect(_stream).toBe('stdout');
    const line = merger.message('stdout', time, bytes, start, end);
    if (line) got.push([line.time, Buffer.from(line.log).toString('latin1')]);
  };
  for (const chunk of chunks) messages.push(chunk, onMessage);
  messages.end(onMessage);
  for (const line of merger.flush()) got.push([line.time, Buffer.from(line.log).toString('latin1')]);
  return got;
}

const START = 1_700_000_000_000_000_000n;
/** Text of a line: bytes without `\n`, stamps a program printed (earlier than the line), `T`s and digits. */
const piece = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b.map((x) => (x === 0x0a ? 0x0d : x)))),
  fc.constantFrom('T', '2023-', '\r', ' ', '2023-11-14T22:13:19', 'Z ').map((s) => Buffer.from(s)),
  fc.bigInt({ min: 0n, max: 10n ** 15n }).map((back) => ({ back })),
);
const lineSpec = fc.record({
  gap: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 3_000_000_000n })),
  pieces: fc.array(piece, { maxLength: 6 }),
  length: fc.oneof(fc.constant(-1), fc.constantFrom(0, PART_SIZE - 1, PART_SIZE, PART_SIZE + 1, 2 * PART_SIZE, 40_000)),
  exit: fc.boolean(),
});

/** Lines with times that never go back; text long lines by repeating their pieces. */
function makeLines(specs: Array<typeof lineSpec extends fc.Arbitrary<infer T> ? T : never>): Line[] {
  let ns = START;
  return specs.map(({ gap, pieces, length, exit }) => {
    ns += gap;
    const bytes = Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(`${stamp(ns - 1n - p.back)} `, 'latin1'))));
    let text = bytes;
    if (length >= 0) {
      text = Buffer.alloc(length, 'x');
      if (bytes.byteLength > 0) for (let i = 0; i < length; i += bytes.byteLength) bytes.copy(text, i, 0, Math.min(bytes.byteLength, length - i));
    }
    // A container stops inside a line only before the copier cut it.
    const end = exit && text.byteLength < PART_SIZE ? 'exit' : 'line';
    return { ns, text, end };
  });
}

describe('TtyMessages (a TTY container log, timestamps=1)', () => {
  it('any chunking of what json-file or local sends gives each line once, whole, with its own time', () => {
    fc.assert(
      fc.property(fc.array(lineSpec, { maxLength: 8 }), fc.constantFrom('json-file', 'local'), fc.array(fc.nat(), { maxLength: 12 }), (specs, driver, cuts) => {
        const lines = makeLines(specs);
        const bytes = engineBytes(lines, driver as 'json-file' | 'local');
        const expected = lines.map((l) => [stamp(l.ns), l.text.toString('latin1')]);
        expect(read(cut(bytes, cuts))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('byte by byte gives the same as whole', () => {
    const lines = makeLines([
      { gap: 0n, pieces: [Buffer.from('hello\r')], length: -1, exit: false },
      { gap: 5n, pieces: [Buffer.from('started at '), { back: 7n }, Buffer.from('ok\r')], length: -1, exit: false },
      { gap: 0n, pieces: [Buffer.from('no newline at exit')], length: -1, exit: true },
      { gap: 9n, pieces: [Buffer.from('after restart\r')], length: -1, exit: false },
    ]);
    const bytes = engineBytes(lines, 'local');
    const whole = read([bytes]);
    expect(whole.map(([, text]) => text)).toEqual(['hello\r', `started at ${stamp(lines[1]!.ns - 8n)} ok\r`, 'no newline at exit', 'after restart\r']);
    expect(read([...bytes].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('keeps the time to the nanosecond and a zone offset', () => {
    expect(read([Buffer.from('2024-05-01T12:00:00.000000001+02:00 hi\r\n2024-05-01T10:00:00.5Z there\n')])).toEqual([
      ['2024-05-01T12:00:00.000000001+02:00', 'hi\r'],
      ['2024-05-01T10:00:00.5Z', 'there'],
    ]);
  });

  it('a log without stamps is passed on raw, each read one message without a time', () => {
    const got: Array<[string | undefined, string]> = [];
    const messages = new TtyMessages();
    const on = (_s: string, time: string | undefined, bytes: Uint8Array, start: number, end: number): void =>
      void got.push([time, Buffer.from(bytes.subarray(start, end)).toString()]);
    messages.push(Buffer.from('plain '), on);
    messages.push(Buffer.from('2024-05-01T10:00:00.5Z x\n'), on);
    messages.end(on);
    expect(got).toEqual([[undefined, 'plain '], [undefined, '2024-05-01T10:00:00.5Z x\n']]);
    // Fewer bytes than a stamp, and the log ends: raw too.
    const short: string[] = [];
    const few = new TtyMessages();
    few.push(Buffer.from('20'), () => short.push('early'));
    few.end((_s, time, data) => void short.push(`${time}:${data.toString()}`));
    expect(short).toEqual(['undefined:20']);
  });

  it('no stamp after a part, or a log that ends inside a stamp, throws a DockerError', () => {
    const part = Buffer.concat([Buffer.from('2024-05-01T10:00:00.000000001Z '), Buffer.alloc(PART_SIZE, 'a')]);
    const bad = new TtyMessages();
    expect(() => bad.push(Buffer.concat([part, Buffer.from('no stamp here, but long enough to tell')]), () => {})).toThrow(DockerError);
    const whole = Buffer.from('2024-05-01T10:00:00.000000001Z one\n2024-05-01T10:00:00.000000002Z two\n');
    for (let n = 36; n < whole.byteLength; n++) {
      const messages = new TtyMessages();
      const got: string[] = [];
      const on = (_s: string, _t: string | undefined, bytes: Uint8Array, start: number, end: number): void =>
        void got.push(Buffer.from(bytes.subarray(start, end)).toString());
      messages.push(whole.subarray(0, n), on);
      // Ended inside the second stamp: an error; after it: the unterminated message.
      if (n < 66) expect(() => messages.end(on)).toThrow(/truncated TTY log/);
      else {
        messages.end(on);
        expect(got).toEqual(['one\n', whole.subarray(66, n).toString()]);
      }
    }
  });
});
