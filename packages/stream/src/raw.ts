import { view } from './bytes.js';
import { PullIterator } from './pull-iterator.js';
import type { Chunk } from './types.js';
import { StreamChunk } from './next-result.js';

/**
 * Tags every chunk of a raw stream (a TTY container's logs, attach or exec output, where the
 * engine sends no frame headers) as `stdout`, uncopied. As with {@link demuxFrames}, `data` is
 * a plain Uint8Array (a view of the chunk when the source hands out Buffers).
 * `return()` closes the source.
 *
 * @example
 * ```ts
 * const chunks = tty ? rawChunks(body) : demuxFrames(body);
 * ```
 */
export function rawChunks(source: AsyncIterable<Uint8Array>): AsyncIterableIterator<Chunk> {
  return new RawTagger(source);
}

class RawTagger extends PullIterator<Uint8Array, Chunk> {
  protected accept(data: Uint8Array): void {
    this.out.push(new StreamChunk('stdout', data.constructor === Uint8Array ? data : view(data, 0, data.length)));
  }
}
