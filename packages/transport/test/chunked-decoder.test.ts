import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedDecoder } from '../src/http/chunked-decoder.js';
import { MalformedResponseError } from '../src/hijack/protocol-errors.js';

const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** Encodes `parts` in the chunked coding (one chunk each, empty parts skipped), optional extensions and trailers. */
function encode(parts: readonly Uint8Array[], { ext = '', trailers = '', upper = false, bareLf = false } = {}): Uint8Array {
  const eol = bareLf ? '\n' : '\r\n';
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (p.length === 0) continue;
    const size = p.length.toString(16);
    out.push(latin1(`${upper ? size.toUpperCase() : size}${ext}${eol}`), p, latin1(eol));
  }
  out.push(latin1(`0${ext}${eol}${trailers}${eol}`));
  return Buffer.concat(out);
}

/** Cuts `data` at the given points (any, sorted and deduplicated). */
function cut(data: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of at) {
    pieces.push(data.subarray(from, p));
    from = p;
  }
  pieces.push(data.subarray(from));
  return pieces;
}

/** Feeds the pieces; returns the data, where the body ended (piece index and offset) and what followed. */
function decodeAll(pieces: readonly Uint8Array[]): { data: Uint8Array; endedIn: number; after: Uint8Array } {
  const decoder = new ChunkedDecoder();
  const out: Uint8Array[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const end = decoder.push(pieces[i] as Uint8Array, out);
    if (end >= 0) return { data: Buffer.concat(out), endedIn: i, after: Buffer.concat([(pieces[i] as Uint8Array).subarray(end), ...pieces.slice(i + 1)]) };
  }
  return { data: Buffer.concat(out), endedIn: -1, after: new Uint8Array() };
}

const payloads = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 });
const cuts = fc.array(fc.nat(), { maxLength: 40 });

describe('ChunkedDecoder', () => {
  it('any chunking gives the same data and finds the end exactly (property)', () => {
    fc.assert(
      fc.property(
        payloads,
        cuts,
        fc.constantFrom('', ';name=value', ' ;x'),
        fc.constantFrom('', 'X-Trailer: 1\r\n', 'A: b\r\nC: d\r\n'),
        fc.boolean(),
        fc.uint8Array({ maxLength: 20 }),
        (parts, points, ext, trailers, upper, following) => {
          const body = encode(parts, { ext, trailers, upper });
          const { data, endedIn, after } = decodeAll(cut(Buffer.concat([body, following]), points));
          expect(Buffer.from(data).equals(Buffer.concat(parts))).toBe(true);
          expect(endedIn).toBeGreaterThanOrEqual(0);
          expect(Buffer.from(after).equals(Buffer.from(following))).toBe(true);
        },
      ),
    );
  });

  it('accepts bare LF line ends (RFC 9112 allows them)', () => {
    const parts = [latin1('hello'), latin1(' world')];
    expect(Buffer.from(decodeAll([encode(parts, { bareLf: true })]).data).toString()).toBe('hello world');
  });

  it('hands out views of the pushed bytes, never copies', () => {
    const body = encode([latin1('abcdef')]);
    const out: Uint8Array[] = [];
    new ChunkedDecoder().push(body, out);
    expect(out).toHaveLength(1);
    expect((out[0] as Uint8Array).buffer).toBe(body.buffer);
  });

  it('a body cut anywhere before its end is not done and yields only data bytes (property)', () => {
    fc.assert(
      fc.property(payloads, fc.nat(), (parts, at) => {
        const body = encode(parts);
        const prefix = body.subarray(0, at % body.length);
        const decoder = new ChunkedDecoder();
        const out: Uint8Array[] = [];
        expect(decoder.push(prefix, out)).toBe(-1);
        expect(decoder.done).toBe(false);
        expect(Buffer.concat(parts).subarray(0, Buffer.concat(out).length).equals(Buffer.concat(out))).toBe(true);
      }),
    );
  });

  it.each([
    ['a size line without digits', 'x\r\n'],
    ['a bare CR after the size', '5\rhello'],
    ['data longer than its size', '2\r\nhello\r\n'],
    ['a CR without LF after data', '2\r\nhi\rX'],
    ['a negative size', '-5\r\n'],
    ['a size of 2^48 or more', '1000000000000\r\n'],
    ['a size line over 4 KiB', `5;${'x'.repeat(5000)}\r\n`],
    ['trailers over 64 KiB', `0\r\nX: ${'y'.repeat(70_000)}\r\n\r\n`],
  ])('refuses %s with MalformedResponseError', (_name, text) => {
    expect(() => new ChunkedDecoder().push(latin1(text), [])).toThrow(MalformedResponseError);
  });

  it('malformed input anywhere throws MalformedResponseError, whatever the chunking, never hangs (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), cuts, (garbage, points) => {
        const decoder = new ChunkedDecoder();
        try {
          for (const piece of cut(garbage, points)) if (decoder.push(piece, []) >= 0) break;
        } catch (err) {
          expect(err).toBeInstanceOf(MalformedResponseError);
        }
      }),
    );
  });
});
