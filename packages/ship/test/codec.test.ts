import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerError } from 'dockyard';
import { decodeEntries, decodeMessage, decodeStream, encodeEntry, encodeMessage, encodePackedForward, MessageReader } from '../src/codec.js';
import { ForwardDecodeError } from '../src/errors.js';
import { EventTime } from '../src/event-time.js';

const eventTime = fc.record({ s: fc.integer({ min: 0, max: 0xffffffff }), n: fc.integer({ min: 0, max: 999_999_999 }) }).map(({ s, n }) => new EventTime(s, n));
// @msgpack/msgpack refuses a `__proto__` key when decoding (prototype pollution guard).
const key = fc.string().filter((k) => k !== '__proto__');
const record = fc.dictionary(key, fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.uint8Array().map((b) => b)));

/** Splits bytes at the given cut points. */
function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.byteLength + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of points) { parts.push(bytes.subarray(from, p)); from = p; }
  parts.push(bytes.subarray(from));
  return parts;
}

async function* source(parts: Uint8Array[]): AsyncGenerator<Uint8Array> { for (const p of parts) yield p; }

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

describe('EventTime encoding', () => {
  it('is ext type 0 as fixext8: D7 00, u32 seconds, u32 nanoseconds big-endian', () => {
    fc.assert(fc.property(eventTime, (t) => {
      const bytes = encodeMessage(t);
      const expected = new Uint8Array(10);
      expected[0] = 0xd7;
      expected[1] = 0x00;
      new DataView(expected.buffer).setUint32(2, t.seconds);
      new DataView(expected.buffer).setUint32(6, t.nanoseconds);
      expect([...bytes]).toEqual([...expected]);
    }));
  });

  it('an entry carries it as the first element, never a float and never ext -1', () => {
    const bytes = encodeEntry(new EventTime(1_700_000_000, 123_456_789), { log: 'x' });
    expect([...bytes.subarray(0, 12)]).toEqual([0x92, 0xd7, 0x00, 0x65, 0x53, 0xf1, 0x00, 0x07, 0x5b, 0xcd, 0x15, 0x81]);
    expect(bytes.includes(0xcb)).toBe(false);
    expect(bytes.includes(0xff)).toBe(false);
  });

  it("eventTime 'seconds' sends the whole seconds as an integer", () => {
    const bytes = encodeEntry(new EventTime(1_700_000_000, 999_999_999), { log: 'x' }, 'seconds');
    expect([...bytes.subarray(0, 6)]).toEqual([0x92, 0xce, 0x65, 0x53, 0xf1, 0x00]);
    expect(decodeMessage(bytes)).toEqual([1_700_000_000, { log: 'x' }]);
  });

  it('parses the engine RFC 3339 nano times to the nanosecond', () => {
    expect(EventTime.fromRfc3339('2023-11-14T22:13:20.000000001Z')).toEqual(new EventTime(1_700_000_000, 1));
    expect(EventTime.fromRfc3339('2023-11-14T22:13:20.5Z')).toEqual(new EventTime(1_700_000_000, 500_000_000));
    expect(EventTime.fromRfc3339('2023-11-15T00:13:20.123456789+02:00')).toEqual(new EventTime(1_700_000_000, 123_456_789));
    expect(() => EventTime.fromRfc3339('yesterday')).toThrow(RangeError);
  });
});

describe('Forward codec', () => {
  it('decode(encode(x)) is x for entries', () => {
    fc.assert(fc.property(eventTime, record, (t, r) => {
      expect(decodeMessage(encodeEntry(t, r))).toEqual([t, r]);
    }));
  });

  it('a PackedForward message carries its entries as bin and its options', () => {
    fc.assert(fc.property(fc.string(), fc.array(fc.tuple(eventTime, record), { maxLength: 20 }), fc.option(fc.base64String()), (tag, entries, chunk) => {
      const packed = concat(entries.map(([t, r]) => encodeEntry(t, r)));
      const options = chunk === null ? { size: entries.length } : { size: entries.length, chunk };
      const message = decodeMessage(encodePackedForward(tag, packed, options)) as [string, Uint8Array, unknown];
      expect(message[0]).toBe(tag);
      expect(message[1]).toBeInstanceOf(Uint8Array);
      expect(message[2]).toEqual(options);
      expect(decodeEntries(message[1])).toEqual(entries);
    }));
  });

  it('any chunking of a byte stream decodes to the same messages', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(record, fc.tuple(eventTime, record)), { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 12 }), async (values, cuts) => {
      const bytes = concat(values.map((v) => encodeMessage(v)));
      expect(await collect(decodeStream(source(cut(bytes, cuts))))).toEqual(values);
    }));
  });

  it('a stream that ends inside a message throws ForwardDecodeError, never a silent drop', async () => {
    await fc.assert(fc.asyncProperty(fc.tuple(eventTime, record), fc.nat(), async (value, at) => {
      const bytes = encodeMessage(value);
      const end = at % bytes.byteLength; // strictly inside
      const error = await collect(decodeStream(source([bytes.subarray(0, end)]))).then(() => undefined, (e: unknown) => e);
      if (end === 0) expect(error).toBeUndefined();
      else {
        expect(error).toBeInstanceOf(ForwardDecodeError);
        expect(error).toBeInstanceOf(DockerError);
      }
    }));
  });

  it('bytes that are not MessagePack throw ForwardDecodeError', () => {
    expect(() => new MessageReader().push(new Uint8Array([0x92, 0xc1, 0x01]))).toThrow(ForwardDecodeError);
    expect(() => decodeMessage(new Uint8Array([0xd7, 0x00, 1, 2]))).toThrow(ForwardDecodeError);
    expect(() => decodeEntries(encodeMessage('not an entry'))).toThrow(ForwardDecodeError);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        const reader = new MessageReader();
        reader.push(bytes);
        reader.end();
      } catch (err) {
        expect(err).toBeInstanceOf(ForwardDecodeError);
      }
    }));
  });
});

describe('writeStringEntry (the hot path)', () => {
  it('writes the same bytes as the general encoder for string records, in both time modes', async () => {
    const { writeStringEntry } = await import('../src/codec.js');
    fc.assert(fc.property(eventTime, fc.dictionary(key, fc.oneof(fc.string(), fc.string({ minLength: 200, maxLength: 70_000 })), { maxKeys: 20 }), fc.constantFrom('event-time' as const, 'seconds' as const), (t, r, mode) => {
      const target = Buffer.alloc(300_000);
      const end = writeStringEntry(target, 3, t, r, mode);
      expect([...target.subarray(3, end)]).toEqual([...encodeEntry(t, r, mode)]);
      expect(writeStringEntry(Buffer.alloc(end - 4), 0, t, r, mode)).toBe(-1);
    }), { numRuns: 60 });
    expect(writeStringEntry(Buffer.alloc(100), 0, new EventTime(1, 1), { n: 1 }, 'event-time')).toBe(-2);
  });
});
