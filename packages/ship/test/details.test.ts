import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitDetails } from '../src/follow-services.js';

/** Go's url.QueryEscape: space as '+', the rest percent-encoded like encodeURIComponent (plus a few more). */
const queryEscape = (text: string): string => encodeURIComponent(text).replace(/%20/g, '+').replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

describe('splitDetails (the details prefix of swarm logs)', () => {
  it('gives back every key and value and the line after the prefix', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { minKeys: 1, maxKeys: 5 }), fc.string(), (details, line) => {
      const prefix = Object.entries(details).map(([k, v]) => `${queryEscape(k)}=${queryEscape(v)}`).join(',');
      const { details: got, rest } = splitDetails(Buffer.from(`${prefix} ${line}\n`));
      expect(got).toEqual(details);
      expect(Buffer.from(rest).toString()).toBe(`${line}\n`);
    }));
  });

  it('a line without a details prefix passes unchanged', () => {
    for (const text of ['no details here\n', 'a=b%ZZ rest\n', 'plain\n']) {
      const { details, rest } = splitDetails(Buffer.from(text));
      expect(details).toEqual({});
      expect(Buffer.from(rest).toString()).toBe(text);
    }
  });
});
