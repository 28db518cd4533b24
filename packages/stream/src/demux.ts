import { concatParts, view } from './bytes.js';
import { StreamError } from './errors.js';
import { PullIterator } from './pull-iterator.js';
import type { Chunk, StreamName } from './types.js';
import { StampedChunk, StreamChunk } from './next-result.js';

/** Options of {@link demuxFrames}. */
export interface DemuxOptions {
  /**
   * Every frame is one log message that starts with the engine's timestamp and a space (logs
   * asked for with `timestamps=1`): split that prefix off into `Chunk.timestamp`. A frame whose
   * first 41 bytes hold no space after at least one byte passes unchanged. A message of at
   * most 64 KiB (the engine's are at most 16 KiB) comes out whole, as one chunk, also when it
   * spans source chunks (then it is copied once), so a consumer sees where messages end (the
   * `local` log driver ends them without `\n`); a longer frame comes out in pieces.
   */
  timestamps?: boolean;
}

const HEADER_SIZE = 8;
const SYSTEM_ERROR = 3;
/** A timestamp prefix is at most this many bytes, the space included (the engine's are 31). */
const STAMP_WINDOW = 41;
const SPACE = 0x20;
/** With `timestamps`, frames up to this size come out whole (log messages are at most 16 KiB). */
const MAX_MESSAGE = 64 * 1024;
/** Text of a system-error frame kept for its message; the rest is read and dropped. */
const MAX_ERROR_TEXT = 64 * 1024;
/** Stream byte → tag. 0 (stdin) goes to stdout, as the Go client's stdcopy does. */
const STREAM_NAMES: readonly StreamName[] = ['stdout', 'stdout', 'stderr'];

/**
 * Decodes the engine's multiplexed stream (non-TTY logs, attach, exec): frames of an 8-byte
 * header `>BxxxL` (stream byte, 3 unused bytes, big-endian payload length) and a payload.
 *
 * - Stream byte 1 and 0 → `stdout`, 2 → `stderr`; 3 (system error) throws a {@link StreamError}
 *   carrying the frame's text; any other byte throws (it is never taken for a TTY stream).
 * - Nothing is copied (log messages with `timestamps` aside, see below): a frame inside one
 *   source chunk comes out as one view of it; a frame spanning source chunks comes out as
 *   consecutive pieces, one view per chunk it lies in, all with the frame's stream tag. A chunk never holds bytes of two frames. So memory stays
 *   flat whatever size a header claims; a consumer that needs whole frames joins the pieces.
 * - Headers may be split across any chunk boundaries; zero-length frames are skipped.
 * - `data` is always a plain Uint8Array, also when the source hands out Buffers (decode it with
 *   `TextDecoder`, not `toString()`). Views stay valid as long as the source does not reuse
 *   its chunks (Node sockets and undici bodies don't).
 * - A stream that ends inside a header or payload throws `StreamError('truncated frame …')`,
 *   after the pieces of that frame that did arrive.
 * - With `timestamps`, each frame's `<timestamp> ` prefix goes into `timestamp`, also when the
 *   prefix itself is split across source chunks, and a message of at most 64 KiB comes out
 *   whole (see {@link DemuxOptions}).
 * - `return()` (e.g. `break`) closes the source.
 *
 * @example
 * ```ts
 * for await (const { stream, data } of demuxFrames(socket)) {
 *   (stream === 'stdout' ? process.stdout : process.stderr).write(data);
 * }
 * ```
 */
export function demuxFrames(source: AsyncIterable<Uint8Array>, options: DemuxOptions = {}): AsyncIterableIterator<Chunk> {
  return new FrameDemuxer(source, options.timestamps === true);
}

class FrameDemuxer extends PullIterator<Uint8Array, Chunk> {
  readonly #timestamps: boolean;
  /** Header bytes gathered so far when a header spans chunks. */
  readonly #header = new Uint8Array(HEADER_SIZE);
  #headerFill = 0;
  /** Stream byte of the frame whose payload continues in the next chunk, or -1 between frames. */
  #type = -1;
  /** That frame's payload size, and how many of its bytes are still to come. */
  #size = 0;
  #remaining = 0;
  /** Bytes of the source consumed before the current chunk, for error messages. */
  #offset = 0;
  /** With `timestamps`: the current frame's timestamp, once split off. */
  #stamp: string | undefined;
  /** With `timestamps`: the current frame's prefix is still being looked for. */
  #stampPending = false;
  /** The start of a frame gathered while its prefix spans chunks (at most the window). */
  readonly #prefix = new Uint8Array(STAMP_WINDOW);
  #prefixFill = 0;
  /** With `timestamps`: the current frame is a message that comes out whole; its pieces so far. */
  #joining = false;
  #parts: Uint8Array[] = [];
  #partsBytes = 0;
  /** Text of a system-error frame, up to {@link MAX_ERROR_TEXT} bytes. */
  #errorParts: Uint8Array[] = [];
  #errorBytes = 0;

  constructor(source: AsyncIterable<Uint8Array>, timestamps: boolean) {
    super(source);
    this.#timestamps = timestamps;
  }

  protected accept(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    if (this.#type >= 0) pos = this.#payload(chunk, 0);
    if (this.#headerFill > 0 && pos < end) pos = this.#continueHeader(chunk, pos);
    const out = this.out;
    const whole = !this.#timestamps;
    // Read once per chunk, not per frame: the views below are built straight on the buffer.
    const buffer = chunk.buffer;
    const base = chunk.byteOffset;
    // The hot loop: frames inside this chunk, handed out as views.
    while (end - pos >= HEADER_SIZE) {
      const type = chunk[pos] as number;
      const size =
        (chunk[pos + 4] as number) * 0x1000000 +
        (((chunk[pos + 5] as number) << 16) | ((chunk[pos + 6] as number) << 8) | (chunk[pos + 7] as number));
      if (type > 2) this.#checkType(type, size, pos);
      const start = pos + HEADER_SIZE;
      const stop = start + size;
      if (whole && stop <= end && type !== SYSTEM_ERROR) {
        if (size > 0) out.push(new StreamChunk(STREAM_NAMES[type] as StreamName, new Uint8Array(buffer, base + start, size)));
        pos = stop;
        continue;
      }
      pos = size === 0 ? start : this.#begin(chunk, type, size, start);
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
      // What arrived of a cut message comes out before the error, as pieces do.
      if (this.#joining) this.#emitJoined();
      throw new StreamError(
        `truncated frame: the stream ended after ${this.#size - this.#remaining} of ${this.#size} payload bytes ` +
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
    if (type > 2) this.#checkType(type, size, pos - HEADER_SIZE);
    return size === 0 ? pos : this.#begin(chunk, type, size, pos);
  }

  /** Starts a frame of `size` > 0 bytes whose payload starts at `pos`; returns the position after what it used. */
  #begin(chunk: Uint8Array, type: number, size: number, pos: number): number {
    this.#type = type;
    this.#size = size;
    this.#remaining = size;
    this.#stamp = undefined;
    this.#stampPending = this.#timestamps;
    this.#prefixFill = 0;
    this.#joining = this.#timestamps && size <= MAX_MESSAGE;
    return this.#payload(chunk, pos);
  }

  /** Hands out the current frame's bytes that lie in `chunk` from `pos`; returns the position after them. */
  #payload(chunk: Uint8Array, pos: number): number {
    const take = Math.min(this.#remaining, chunk.length - pos);
    this.#remaining -= take;
    const last = this.#remaining === 0;
    if (this.#type === SYSTEM_ERROR) this.#gatherError(chunk, pos, take);
    else if (this.#stampPending) this.#findStamp(chunk, pos, take, last);
    else if (take > 0) this.#push(view(chunk, pos, take));
    if (last) this.#endFrame();
    return pos + take;
  }

  /** Looks for the timestamp prefix at the frame's start, which may span chunks. */
  #findStamp(chunk: Uint8Array, pos: number, take: number, last: boolean): void {
    const fill = this.#prefixFill;
    if (fill === 0) {
      // The usual case: the prefix lies in this chunk; look for it in place.
      const space = spaceIn(chunk, pos, Math.min(take, STAMP_WINDOW));
      if (space > 0) {
        this.#stampPending = false;
        this.#stamp = decodeStamp(chunk, pos, space);
        if (take > space + 1) this.#push(view(chunk, pos + space + 1, take - space - 1));
      } else if (space === 0 || take >= STAMP_WINDOW || last) {
        this.#stampPending = false;
        if (take > 0) this.#push(view(chunk, pos, take));
      } else {
        this.#prefix.set(chunk.subarray(pos, pos + take), 0);
        this.#prefixFill = take;
      }
      return;
    }
    // The prefix began in an earlier chunk: gather up to the window, then decide.
    const added = Math.min(STAMP_WINDOW - fill, take);
    this.#prefix.set(chunk.subarray(pos, pos + added), fill);
    const filled = fill + added;
    const space = spaceIn(this.#prefix, 0, filled);
    if (space < 0 && filled < STAMP_WINDOW && !last) {
      this.#prefixFill = filled;
      return;
    }
    this.#stampPending = false;
    this.#prefixFill = 0;
    let kept = 0;
    if (space > 0) {
      this.#stamp = decodeStamp(this.#prefix, 0, space);
      kept = space + 1;
    }
    // What of the gathered prefix is payload: a copy, at most the window's few bytes.
    if (filled > kept) this.#push(this.#prefix.slice(kept, filled));
    if (take > added) this.#push(view(chunk, pos + added, take - added));
  }

  #push(data: Uint8Array): void {
    if (this.#joining) {
      this.#parts.push(data);
      this.#partsBytes += data.length;
      return;
    }
    this.#emit(data);
  }

  /** A message's pieces as one chunk: a view when it lay in one source chunk, else one copy. */
  #emitJoined(): void {
    const parts = this.#parts;
    if (parts.length > 0) this.#emit(parts.length === 1 ? (parts[0] as Uint8Array) : concatParts(parts, this.#partsBytes));
    this.#parts = [];
    this.#partsBytes = 0;
  }

  #emit(data: Uint8Array): void {
    const stream = STREAM_NAMES[this.#type] as StreamName;
    const stamp = this.#stamp;
    this.out.push(stamp === undefined ? new StreamChunk(stream, data) : new StampedChunk(stream, data, stamp));
  }

  #gatherError(chunk: Uint8Array, pos: number, take: number): void {
    const keep = Math.min(take, MAX_ERROR_TEXT - this.#errorBytes);
    if (keep <= 0) return;
    this.#errorParts.push(view(chunk, pos, keep));
    this.#errorBytes += keep;
  }

  #endFrame(): void {
    if (this.#joining) {
      this.#emitJoined();
      this.#joining = false;
    }
    const type = this.#type;
    this.#type = -1;
    this.#stamp = undefined;
    if (type !== SYSTEM_ERROR) return;
    const text = new TextDecoder().decode(concatParts(this.#errorParts, this.#errorBytes));
    this.#errorParts = [];
    this.#errorBytes = 0;
    throw new StreamError(text);
  }

  #checkType(type: number, size: number, at: number): void {
    if (type === SYSTEM_ERROR) {
      if (size === 0) throw new StreamError('the engine sent a system-error frame with no text');
      return;
    }
    throw new StreamError(
      `invalid frame header: stream byte ${type} at byte ${this.#offset + at} is not 0, 1, 2 or 3 ` +
        '(a TTY stream must be read with rawChunks, not demuxFrames)',
    );
  }
}

/** Index (from `from`) of the first space among `length` bytes of `bytes`, or -1. */
function spaceIn(bytes: Uint8Array, from: number, length: number): number {
  for (let i = 0; i < length; i++) if (bytes[from + i] === SPACE) return i;
  return -1;
}

/** `length` bytes from `from` as UTF-8 text; ASCII (every engine timestamp) without a decoder call. */
function decodeStamp(bytes: Uint8Array, from: number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    const byte = bytes[from + i] as number;
    if (byte >= 0x80) return new TextDecoder().decode(bytes.subarray(from, from + length));
    text += String.fromCharCode(byte);
  }
  return text;
}
