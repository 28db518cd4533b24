import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeQuery } from '../src/query.js';
import { enginePath } from '../src/request-path.js';

describe('encodeQuery', () => {
  it('returns an empty string when there is nothing to send', () => {
    expect(encodeQuery(undefined)).toBe('');
    expect(encodeQuery({})).toBe('');
    expect(encodeQuery({ a: undefined, b: null, c: [] })).toBe('');
  });

  it('writes booleans as 1 and 0, numbers and strings as they are', () => {
    expect(encodeQuery({ all: true, stream: false, limit: 10, name: 'web' })).toBe('?all=1&stream=0&limit=10&name=web');
  });

  it('JSON-encodes plain objects such as filters', () => {
    const filters = { label: ['app=web', 'tier=1'], status: ['running'] };
    const query = encodeQuery({ filters });
    expect(new URLSearchParams(query).get('filters')).toBe(JSON.stringify(filters));
    expect(query).toBe(`?filters=${encodeURIComponent(JSON.stringify(filters))}`);
  });

  it('repeats the key for string arrays', () => {
    expect(encodeQuery({ t: ['app:1', 'app:latest'] })).toBe('?t=app%3A1&t=app%3Alatest');
  });

  it('percent-encodes keys and values', () => {
    expect(encodeQuery({ 'a b': 'x&y=z#?' })).toBe('?a%20b=x%26y%3Dz%23%3F');
  });

  it('rejects numbers that are not finite', () => {
    expect(() => encodeQuery({ t: Number.NaN })).toThrow(TypeError);
    expect(() => encodeQuery({ t: Number.POSITIVE_INFINITY })).toThrow(/finite/);
  });

  it('round-trips through URLSearchParams for any keys and values', () => {
    const value = fc.oneof(
      fc.string(),
      fc.boolean(),
      fc.integer(),
      fc.array(fc.string(), { maxLength: 4 }),
      fc.dictionary(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), value), (query) => {
        const params = new URLSearchParams(encodeQuery(query));
        const expected: Array<[string, string]> = [];
        for (const [key, v] of Object.entries(query)) {
          if (typeof v === 'boolean') expected.push([key, v ? '1' : '0']);
          else if (typeof v === 'string' || typeof v === 'number') expected.push([key, String(v)]);
          else if (Array.isArray(v)) for (const item of v) expected.push([key, item]);
          else expected.push([key, JSON.stringify(v)]);
        }
        expect([...params.entries()]).toEqual(expected);
      }),
    );
  });
});

describe('enginePath', () => {
  it('encodes each interpolated value as one path segment', () => {
    expect(enginePath`/containers/${'my/name'}/json`).toBe('/containers/my%2Fname/json');
    expect(enginePath`/images/${'127.0.0.1:5000/app:2'}/json`).toBe('/images/127.0.0.1%3A5000%2Fapp%3A2/json');
    expect(enginePath`/exec/${'a?b#c'}/start`).toBe('/exec/a%3Fb%23c/start');
    expect(enginePath`/_ping`).toBe('/_ping');
  });
});
