import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonStream, StreamError } from '../src/index.js';
import { bytes, collect, outcome, rechunk, TrackedSource } from './support.js';

async function decode(...chunks: (string | Uint8Array)[]): Promise<unknown[]> {
  return collect(jsonStream(new TrackedSource(chunks.map(bytes))));
}

describe('jsonStream', () => {
  it('reads newline-delimited documents with \\r\\n and blank lines, and a last one without newline', async () => {
    expect(await decode('{"a":1}\r\n\r\n  \n{"b":[2]}\n', '3\n\t\n"last"')).toEqual([{ a: 1 }, { b: [2] }, 3, 'last']);
  });

  it('joins documents split across chunks, including inside a multi-byte character', async () => {
    const all = bytes('{"status":"Pulling fs layer","id":"é€😀"}\n{"x":true}\n');
    expect(await collect(jsonStream(new TrackedSource(rechunk(all, [1]))))).toEqual([
      { status: 'Pulling fs layer', id: 'é€😀' },
      { x: true },
    ]);
  });

  it('reads JSON text sequences (RS-prefixed), pretty-printed documents included', async () => {
    expect(await decode('\x1e{"a":1}\n\x1e{\n  "b": 2\n}\n', '\x1e[1,', '2]\n')).toEqual([{ a: 1 }, { b: 2 }, [1, 2]]);
  });

  it('ends cleanly on an empty or blank stream', async () => {
    expect(await decode()).toEqual([]);
    expect(await decode('\n\r\n  ')).toEqual([]);
  });

  it('throws a StreamError quoting the invalid document, cut to a sane length, and closes the source', async () => {
    const long = `{"broken": ${'x'.repeat(1000)}`;
    const source = new TrackedSource([bytes(`{"ok":1}\n${long}\n{"never":1}\n`)], { hang: true });
    const { items, error } = await outcome(jsonStream(source));
    expect(items).toEqual([{ ok: 1 }]);
    expect(error).toBeInstanceOf(StreamError);
    const message = (error as Error).message;
    expect(message).toContain('{"broken": xxx');
    expect(message.length).toBeLessThan(400);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    expect(source.returned).toBe(1);
  });

  it('throws on a truncated last document', async () => {
    const { error } = await outcome(jsonStream(new TrackedSource([bytes('{"a":1}\n{"b":')])));
    expect(error).toBeInstanceOf(StreamError);
    expect((error as Error).message).toContain('{"b":');
  });
});

/** Decodes the whole stream at once: NDJSON, or JSON-seq if the first non-blank char is RS. */
function referenceJson(data: Uint8Array): { ok: boolean; values: unknown[] } {
  const text = new TextDecoder().decode(data);
  const separator = text.trimStart().startsWith('\x1e') ? '\x1e' : '\n';
  const values: unknown[] = [];
  for (const doc of text.split(separator)) {
    if (/^[ \t\r\n]*$/.test(doc)) continue;
    try {
      values.push(JSON.parse(doc));
    } catch {
      return { ok: false, values };
    }
  }
  return { ok: true, values };
}

/** What a document is after a JSON round trip (e.g. -0 becomes 0). */
const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('jsonStream properties', () => {
  it('decodes random documents as NDJSON or JSON-seq under any re-chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }),
        fc.constantFrom('ndjson', 'crlf', 'blank-lines', 'seq', 'seq-pretty'),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 }),
        async (values, format, sizes) => {
          const docs = values.map((v) => JSON.stringify(v, null, format === 'seq-pretty' ? 2 : undefined));
          const text =
            format === 'ndjson'
              ? docs.map((d) => `${d}\n`).join('')
              : format === 'crlf'
                ? docs.map((d) => `${d}\r\n`).join('')
                : format === 'blank-lines'
                  ? `\n${docs.join('\n \r\n\n')}`
                  : docs.map((d) => `\x1e${d}\n`).join('');
          const got = await collect(jsonStream(new TrackedSource(rechunk(bytes(text), sizes))));
          expect(got).toEqual(values.map(roundTrip));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('random bytes never hang: they decode or throw StreamError', async () => {
    const char = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', 'a', ' ', '\n', '\r', '\x1e', 'n', 'true', 'null', '\\');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(char, { maxLength: 60 }).map((cs) => bytes(cs.join(''))),
          fc.uint8Array({ maxLength: 60 }),
        ),
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 4 }),
        async (data, sizes) => {
          const { items, error } = await outcome(jsonStream(new TrackedSource(rechunk(data, sizes))));
          const reference = referenceJson(data);
          if (reference.ok) {
            expect(error).toBeUndefined();
            expect(items).toEqual(reference.values);
          } else {
            expect(error).toBeInstanceOf(StreamError);
            expect(items).toEqual(reference.values);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('jsonStream exactIntegers', () => {
  it("keeps the engine's timeNano digits that a number would round (1796163615580003033)", async () => {
    const event = '{"status":"start","Type":"container","time":1796163615,"timeNano":1796163615580003033}\n';
    const [plain] = (await collect(jsonStream(new TrackedSource([bytes(event)])))) as { timeNano: number }[];
    expect(String(plain?.timeNano)).toBe('1796163615580003000');
    const [exact] = await collect(jsonStream(new TrackedSource([bytes(event)]), { exactIntegers: ['timeNano'] }));
    expect(exact).toEqual({ status: 'start', Type: 'container', time: 1796163615, timeNano: '1796163615580003033' });
  });

  it('leaves string values, fractions, escaped look-alikes inside strings and other keys alone', async () => {
    const doc = String.raw`{"Actor":{"Attributes":{"timeNano":"12","x":"a,\"timeNano\":99"}},"n":{"timeNano":1.5},"m":{"timeNano" : 7 },"time":2}`;
    const [value] = await collect(jsonStream(new TrackedSource([bytes(`${doc}\n`)]), { exactIntegers: ['timeNano'] }));
    expect(value).toEqual({ Actor: { Attributes: { timeNano: '12', x: 'a,"timeNano":99' } }, n: { timeNano: 1.5 }, m: { timeNano: '7' }, time: 2 });
  });

  it('any timeNano digits survive exactly, in NDJSON or JSON-seq, under any chunking', async () => {
    const digits = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String);
    const attributes = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 });
    const event = fc.record({ digits, attributes, action: fc.string({ maxLength: 10 }), pretty: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 5 }),
        async (events, seq, sizes) => {
          const docs = events.map(({ digits: d, attributes: a, action, pretty }) => {
            // The digits spliced in as a raw JSON number, where JSON.stringify of a number could not write them.
            const body = JSON.stringify({ Action: action, Actor: { ID: 'x', Attributes: a }, time: 1, timeNano: 0 }, null, pretty ? 2 : undefined);
            return body.replace(/("timeNano": ?)0/, `$1${d}`);
          });
          const text = seq ? docs.map((d) => `\x1e${d}\n`).join('') : docs.map((d) => `${d.replace(/\n/g, ' ')}\n`).join('');
          const got = (await collect(jsonStream(new TrackedSource(rechunk(bytes(text), sizes)), { exactIntegers: ['timeNano'] }))) as {
            timeNano: unknown;
            Actor: { Attributes: unknown };
          }[];
          expect(got.map((e) => e.timeNano)).toEqual(events.map((e) => e.digits));
          expect(got.map((e) => e.Actor.Attributes)).toEqual(events.map((e) => e.attributes));
        },
      ),
      { numRuns: 500 },
    );
  });
});
