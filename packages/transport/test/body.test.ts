import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeBody } from '../src/body.js';

describe('encodeBody', () => {
  it('sends nothing for undefined', () => {
    expect(encodeBody(undefined)).toEqual({ body: undefined, contentType: undefined });
  });

  it('JSON-encodes plain objects and arrays with application/json', () => {
    expect(encodeBody({ Image: 'busybox', Cmd: ['sh'] })).toEqual({ body: '{"Image":"busybox","Cmd":["sh"]}', contentType: 'application/json' });
    expect(encodeBody(['a'])).toEqual({ body: '["a"]', contentType: 'application/json' });
  });

  it('passes strings, bytes, Readables and async iterables through without a Content-Type', () => {
    const bytes = Uint8Array.of(1, 2, 3);
    const readable = Readable.from([Buffer.from('x')]);
    const iterable = (async function* () {
      yield bytes;
    })();
    for (const body of ['raw text', bytes, Buffer.from('buf'), readable, iterable]) {
      const encoded = encodeBody(body);
      expect(encoded.body).toBe(body);
      expect(encoded.contentType).toBeUndefined();
    }
  });
});
