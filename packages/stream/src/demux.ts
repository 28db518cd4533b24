import { concatParts, view } from './bytes.js';
import { StreamError } from './errors.js';
import { PullIterator } from './pull-iterator.js';
import type { Chunk, StreamName } from './types.js';

const HEADER_SIZE = 8;
const SYSTEM_ERROR = 3;
/** Stream byte → tag. 0 (stdin) goes to stdout, as the Go client's stdcopy does. */
const STREAM_NAMES: readonly StreamName[] = ['stdout', 'stdout', 'stderr'];

/**
 * Decodes the engine's multiplexed stream (non-TTY logs, attach, exec): frames of an 8-byte
 * header `>BxxxL` (stream byte, 3 unused bytes, big-endian payload length) and a payload.
 *
 * - Stream byte 1 and 0 → `stdout`, 2 → `stderr`; 3 (system error) throws a {@link StreamError}
 *   carrying the frame's text; any other byte throws (it is never taken for a TTY stream).
 * - Headers and payloads may be split across any chunk boundaries; zero-length frames are
 *   skipped. A frame inside one source chunk is handed out as a view of it (no copy); a frame
 *   spanning chunks is copied once. `data` is always a plain Uint8Array, also when the source
 *   hands out Buffers (decode it with `TextDecoder`, not `toString()`). Views stay valid as
 *   long as the source does not reuse its chunks (Node sockets don't).
 * - A stream that ends inside a header or payload throws `StreamError('truncated frame …')`.
 * - `return()` (e.g. `break`) closes the source.
 *
 * @example
 * ```ts
 * for await (const { stream, data } of demuxFrames(socket)) {
 *   (stream === 'stdout' ? process.stdout : process.stderr).write(data);
 * }
 * ```
 */
export function demuxFrames(source: AsyncIterable<Uint8Array>): AsyncIterableIterator<Chunk> {
  return new FrameDemuxer(source);
}

class FrameDemuxer extends PullIterator<Uint8Array, Chunk> {
  /** Header bytes gathered so far when a header spans chunks. */
  readonly #header = new Uint8Array(HEADER_SIZE);
  #headerFill = 0;
  /** Stream byte of the frame whose payload spans chunks, or -1 when between frames. */
  #type = -1;
  #size = 0;
  #received = 0;
  #parts: Uint8Array[] = [];
  /** Bytes of the source consumed before the current chunk, for error messages. */
  #offset = 0;

  protected accept(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    if (this.#type >= 0) pos = this.#continuePayload(chunk);
    if (this.#headerFill > 0 && pos < end) pos = this.#continueHeader(chunk, pos);
    const out = this.out;
    // Read once per chunk, not per frame: the views below are built straight on the buffer.
    const buffer = chunk.buffer;
    const base = chunk.byteOffset;
    // The hot loop: whole frames inside this chunk, handed out as views.
    while (end - pos >= HEADER_SIZE) {
      const type = chunk[pos] as number;
      const size =
        (chunk[pos + 4] as number) * 0x1000000 +
        (((chunk[pos + 5] as number) << 16) | ((chunk[pos + 6] as number) << 8) | (chunk[pos + 7] as number));
      if (type > 2) this.#checkType(type, pos);
      const start = pos + HEADER_SIZE;
      const stop = start + size;
      if (stop > end || type === SYSTEM_ERROR) {
        this.#type = type;
        this.#size = size;
        this.#received = 0;
        this.#parts = [];
        pos = this.#continuePayload(chunk, start);
        continue;
      }
      if (size > 0) out.push({ stream: STREAM_NAMES[type] as StreamName, data: new Uint8Array(buffer, base + start, size) });
      pos = stop;
    }
    if (pos < end) {
      // Fewer than 8 bytes left: the start of a header that the next chunk completes.
      this.#header.set(chunk.subarray(pos), 0);
      this.#headerFill = end - pos;
    }
    this.#offset += end;
  }

  protected override finish(): void {
    if (this.#headerFill > 0) {
      throw new StreamError(
        `truncated frame: the stream ended after ${this.#headerFill} of ${HEADER_SIZE} header bytes ` +
          `(at byte ${this.#offset - this.#headerFill})`,
      );
    }
    if (this.#type >= 0) {
      throw new StreamError(
        `truncated frame: the stream ended after ${this.#received} of ${this.#size} payload bytes ` +
          `of a stream-${this.#type} frame`,
      );
    }
  }

  /** Completes a header begun in an earlier chunk; returns the position after what it used. */
  #continueHeader(chunk: Uint8Array, pos: number): number {
    const take = Math.min(HEADER_SIZE - this.#headerFill, chunk.length - pos);
    this.#header.set(chunk.subarray(pos, pos + take), this.#headerFill);
    this.#headerFill += take;
    pos += take;
    if (this.#headerFill < HEADER_SIZE) return pos;
    this.#headerFill = 0;
    const header = this.#header;
    const type = header[0] as number;
    const size =
      (header[4] as number) * 0x1000000 +
      (((header[5] as number) << 16) | ((header[6] as number) << 8) | (header[7] as number));
    if (type > 2) this.#checkType(type, pos - HEADER_SIZE);
    if (size === 0 && type !== SYSTEM_ERROR) return pos;
    this.#type = type;
    this.#size = size;
    this.#received = 0;
    this.#parts = [];
    return this.#continuePayload(chunk, pos);
  }

  /** Adds payload bytes to the frame in progress; emits it when complete. */
  #continuePayload(chunk: Uint8Array, pos = 0): number {
    const take = Math.min(this.#size - this.#received, chunk.length - pos);
    if (take > 0) this.#parts.push(view(chunk, pos, take));
    this.#received += take;
    pos += take;
    if (this.#received < this.#size) return pos;
    const type = this.#type;
    // One part: the payload lies in one chunk (only its header straddled, or a system-error
    // frame): keep the view. Several parts: the payload spans chunks, copy it once.
    const data = this.#parts.length === 1 ? (this.#parts[0] as Uint8Array) : concatParts(this.#parts, this.#size);
    this.#type = -1;
    this.#parts = [];
    if (type === SYSTEM_ERROR) {
      throw new StreamError(new TextDecoder().decode(data) || 'the engine sent a system-error frame with no text');
    }
    this.out.push({ stream: STREAM_NAMES[type] as StreamName, data });
    return pos;
  }

  #checkType(type: number, at: number): void {
    if (type === SYSTEM_ERROR) return;
    throw new StreamError(
      `invalid frame header: stream byte ${type} at byte ${this.#offset + at} is not 0, 1, 2 or 3 ` +
        '(a TTY stream must be read with rawChunks, not demuxFrames)',
    );
  }
}
