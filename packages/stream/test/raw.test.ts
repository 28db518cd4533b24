import { describe, expect, it } from 'vitest';
import { rawChunks } from '../src/index.js';
import { bytes, outcome, TrackedSource, text } from './support.js';

describe('rawChunks', () => {
  it('tags every chunk as stdout, uncopied', async () => {
    const chunks = [bytes('\x01\x00\x00\x00 looks like a header'), bytes('more')];
    const { items, error } = await outcome(rawChunks(new TrackedSource(chunks)));
    expect(error).toBeUndefined();
    expect(items).toHaveLength(2);
    items.forEach((item, i) => {
      expect(item.stream).toBe('stdout');
      expect(item.data).toBe(chunks[i]);
    });
  });

  it('passes a source error through', async () => {
    const boom = new Error('gone');
    const { items, error } = await outcome(rawChunks(new TrackedSource([bytes('a')], { failWith: boom })));
    expect(items).toHaveLength(1);
    expect(error).toBe(boom);
  });

  it('hands out a Buffer chunk as a plain Uint8Array view of the same memory', async () => {
    const chunk = Buffer.from('tty output');
    const { items } = await outcome(rawChunks(new TrackedSource([chunk])));
    expect(items[0]?.data.constructor).toBe(Uint8Array);
    expect(items[0]?.data.buffer).toBe(chunk.buffer);
    expect(items[0]?.data.byteOffset).toBe(chunk.byteOffset);
    expect(text(items[0]!.data)).toBe('tty output');
  });
});
