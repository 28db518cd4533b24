import { StreamError, type StreamName } from 'dockyard';

const HEADER_SIZE = 8;
const SYSTEM_ERROR = 3;
const SPACE = 0x20;
/** The engine's timestamp prefix is 31 bytes with its space; anything longer is no prefix. */
const STAMP_WINDOW = 41;
const STREAM_NAMES: readonly StreamName[] = ['stdout', 'stdout', 'stderr'];

/**
 * Called once per log message: its stream, the engine's time (`timestamps=1`) and its bytes,
 * `bytes[start, end)` (offsets, not a view: a line costs no object until it is whole).
 */
export type OnMessage = (stream: StreamName, time: string | undefined, bytes: Uint8Array, start: number, end: number) => void;

/** `bytes[start, end)` as latin1 text, without a view (timestamps are ASCII). */
const latin1 = (bytes: Uint8Array, start: number, end: number): string => latin1Slice.call(bytes, start, end);
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;

/** What cuts a log's bytes into messages: {@link LogFrames}, or `TtyMessages` for a TTY's log. */
export interface LogCutter {
  push(chunk: Uint8Array, onMessage: OnMessage): void;
  /** The log ended: passes on what it held, or throws if it ended inside a message. */
  end(onMessage: OnMessage): void;
}

/**
 * A followed log's bytes, as they come off the socket, cut into the engine's log messages
 * synchronously, a whole socket read at a time (no promise per message, as `logs()` gives
 * one per frame). Framed (non-TTY) output: one message per frame, the frame joined when it
 * spans reads, its `<RFC 3339 nano> ` prefix split off. (A TTY's unframed log: `TtyMessages`.)
 *
 * Why not `container.logs()`: ship needs each frame whole (a 16 KiB frame without `\n` is a
 * part of a longer line, a shorter one the end of it), and at 200 000 records/s the per-frame
 * promises of an iterator are a third of the CPU.
 */
export class LogFrames implements LogCutter {
  readonly #header = new Uint8Array(HEADER_SIZE);
  #headerFill = 0;
  /** Stream byte of the frame whose payload continues in the next read, or -1 between frames. */
  #type = -1;
  #size = 0;
  #received = 0;
  #parts: Uint8Array[] = [];

  /** Cuts one read into messages, calling `onMessage` for each complete one. */
  push(chunk: Uint8Array, onMessage: OnMessage): void {
    const end = chunk.byteLength;
    let pos = 0;
    if (this.#type >= 0) pos = this.#continuePayload(chunk, 0, onMessage);
    if (this.#headerFill > 0 && pos < end) pos = this.#continueHeader(chunk, pos, onMessage);
    while (end - pos >= HEADER_SIZE) {
      const type = chunk[pos] as number;
      const size = uint32(chunk, pos + 4);
      if (type > SYSTEM_ERROR) throw badType(type);
      const start = pos + HEADER_SIZE;
      const stop = start + size;
      if (stop > end || type === SYSTEM_ERROR) {
        this.#begin(type, size);
        pos = this.#continuePayload(chunk, start, onMessage);
        continue;
      }
      if (size > 0) message(type, chunk, start, stop, onMessage);
      pos = stop;
    }
    if (pos < end) {
      this.#header.set(chunk.subarray(pos, end), 0);
      this.#headerFill = end - pos;
    }
  }

  /** The log ended: throws if it ended inside a frame. */
  end(): void {
    if (this.#headerFill > 0 || this.#type >= 0) throw new StreamError('truncated frame: the log ended inside a frame');
  }

  #begin(type: number, size: number): void {
    this.#type = type;
    this.#size = size;
    this.#received = 0;
    this.#parts = [];
  }

  #continueHeader(chunk: Uint8Array, pos: number, onMessage: OnMessage): number {
    const take = Math.min(HEADER_SIZE - this.#headerFill, chunk.byteLength - pos);
    this.#header.set(chunk.subarray(pos, pos + take), this.#headerFill);
    this.#headerFill += take;
    pos += take;
    if (this.#headerFill < HEADER_SIZE) return pos;
    this.#headerFill = 0;
    const type = this.#header[0] as number;
    const size = uint32(this.#header, 4);
    if (type > SYSTEM_ERROR) throw badType(type);
    if (size === 0 && type !== SYSTEM_ERROR) return pos;
    this.#begin(type, size);
    return this.#continuePayload(chunk, pos, onMessage);
  }

  #continuePayload(chunk: Uint8Array, pos: number, onMessage: OnMessage): number {
    const take = Math.min(this.#size - this.#received, chunk.byteLength - pos);
    // A copy: a view would keep the whole read (64 KiB) alive while the frame waits for its end.
    if (take > 0) this.#parts.push(chunk.slice(pos, pos + take));
    this.#received += take;
    pos += take;
    if (this.#received < this.#size) return pos;
    const type = this.#type;
    const data = this.#parts.length === 1 ? (this.#parts[0] as Uint8Array) : Buffer.concat(this.#parts, this.#size);
    this.#type = -1;
    this.#parts = [];
    if (type === SYSTEM_ERROR) throw new StreamError(new TextDecoder().decode(data) || 'the engine sent a system-error frame with no text');
    message(type, data, 0, data.byteLength, onMessage);
    return pos;
  }
}

/** A frame's payload, `bytes[start, end)`: its timestamp prefix split off when there is one. */
function message(type: number, bytes: Uint8Array, start: number, end: number, onMessage: OnMessage): void {
  const stream = STREAM_NAMES[type] as StreamName;
  const limit = Math.min(end, start + STAMP_WINDOW);
  for (let i = start + 1; i < limit; i++) {
    if (bytes[i] === SPACE) {
      onMessage(stream, latin1(bytes, start, i), bytes, i + 1, end);
      return;
    }
  }
  onMessage(stream, undefined, bytes, start, end);
}

/** The big-endian 32-bit unsigned integer at `at`. */
function uint32(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) * 0x1000000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number));
}

function badType(type: number): StreamError {
  return new StreamError(`invalid frame header: stream byte ${type} is not 0, 1, 2 or 3`);
}
