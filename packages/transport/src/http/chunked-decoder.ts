import { MalformedResponseError } from '../hijack/protocol-errors.js';

/** Longest chunk-size line accepted (hex digits, extensions and all), and trailer section. */
const MAX_SIZE_LINE = 4096;
const MAX_TRAILERS = 64 * 1024;
/** Chunk sizes above this (2^48 - 1, 256 TiB) are refused rather than lose integer precision. */
const MAX_CHUNK_SIZE = 0xffff_ffff_ffff;

// Decoder states: the hex digits of a chunk size; a `;extension` after it; the LF after its
// CR; chunk data; the CR (or bare LF) and LF after the data; after the last (zero-size)
// chunk, trailer lines ended by an empty one; done.
const State = { Size: 0, Extension: 1, SizeLf: 2, Data: 3, DataCr: 4, DataLf: 5, TrailerLineStart: 6, TrailerLine: 7, TrailerLf: 8, Done: 9 } as const;

const CR = 0x0d;
const LF = 0x0a;

/**
 * Incremental decoder of `Transfer-Encoding: chunked` (RFC 9112 §7.1). {@link push} takes the
 * bytes as they arrive, split anywhere, and appends the chunk data to `out` as views of the
 * given bytes (never copied). It returns where the body ended in the pushed bytes (after the
 * last chunk and any trailers), or -1 while it goes on. Bare LF line ends are accepted;
 * anything else that is not the chunked coding throws {@link MalformedResponseError}, and so
 * do size lines over 4 KiB, trailers over 64 KiB and sizes of 2^48 or more, so a broken or
 * hostile peer cannot make it buffer: it holds no bytes of its own.
 */
export class ChunkedDecoder {
  #state: number = State.Size;
  #size = 0;
  #digits = 0;
  #lineBytes = 0;
  #trailerBytes = 0;
  /** Data bytes still to come in the current chunk. */
  #remaining = 0;

  /** The terminating zero-size chunk and its trailers have been read. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /** Decodes `bytes` from `from`; appends data views to `out`; returns the index after the body's end, or -1. */
  push(bytes: Uint8Array, out: Uint8Array[], from = 0): number {
    const end = bytes.length;
    let i = from;
    while (i < end) {
      switch (this.#state) {
        case State.Data: {
          const take = Math.min(this.#remaining, end - i);
          // A plain view: cheaper to make than a Buffer's subarray (no species lookup, no FastBuffer).
          out.push(new Uint8Array(bytes.buffer, bytes.byteOffset + i, take));
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = State.DataCr;
          break;
        }
        case State.Size: {
          const c = bytes[i++] as number;
          const digit = hexValue(c);
          if (digit >= 0) {
            this.#size = this.#size * 16 + digit;
            this.#digits++;
            if (this.#size > MAX_CHUNK_SIZE) throw malformed(`a chunk size of more than ${MAX_CHUNK_SIZE} bytes`);
          } else if (this.#digits === 0) {
            throw malformed(`a chunk-size line that does not start with a hex digit (byte 0x${c.toString(16)})`);
          } else if (c === 0x3b /* ; */ || c === 0x20 || c === 0x09) {
            this.#state = State.Extension;
          } else if (c === CR) {
            this.#state = State.SizeLf;
          } else if (c === LF) {
            this.#endSizeLine();
          } else {
            throw malformed(`a chunk-size line with byte 0x${c.toString(16)} after the size`);
          }
          if (++this.#lineBytes > MAX_SIZE_LINE) throw malformed(`a chunk-size line longer than ${MAX_SIZE_LINE} bytes`);
          break;
        }
        case State.Extension: {
          const c = bytes[i++] as number;
          if (c === CR) this.#state = State.SizeLf;
          else if (c === LF) this.#endSizeLine();
          if (++this.#lineBytes > MAX_SIZE_LINE) throw malformed(`a chunk-size line longer than ${MAX_SIZE_LINE} bytes`);
          break;
        }
        case State.SizeLf:
          if (bytes[i++] !== LF) throw malformed('a CR without LF at the end of a chunk-size line');
          this.#endSizeLine();
          break;
        case State.DataCr: {
          const c = bytes[i++];
          if (c === CR) this.#state = State.DataLf;
          else if (c === LF) this.#state = State.Size;
          else throw malformed('chunk data longer than its size (no line end after it)');
          break;
        }
        case State.DataLf:
          if (bytes[i++] !== LF) throw malformed('a CR without LF after chunk data');
          this.#state = State.Size;
          break;
        case State.TrailerLineStart: {
          const c = bytes[i++];
          if (c === LF) return this.#finish(i);
          this.#state = c === CR ? State.TrailerLf : State.TrailerLine;
          this.#countTrailer();
          break;
        }
        case State.TrailerLine:
          if (bytes[i++] === LF) this.#state = State.TrailerLineStart;
          this.#countTrailer();
          break;
        case State.TrailerLf:
          // CR at a line start: the empty line that ends the trailers.
          if (bytes[i++] !== LF) throw malformed('a CR without LF in the trailer section');
          return this.#finish(i);
        case State.Done:
          return i;
      }
    }
    return -1;
  }

  #endSizeLine(): void {
    this.#lineBytes = 0;
    this.#digits = 0;
    const size = this.#size;
    this.#size = 0;
    if (size === 0) {
      this.#state = State.TrailerLineStart;
    } else {
      this.#remaining = size;
      this.#state = State.Data;
    }
  }

  #countTrailer(): void {
    if (++this.#trailerBytes > MAX_TRAILERS) throw malformed(`trailers longer than ${MAX_TRAILERS} bytes`);
  }

  #finish(at: number): number {
    this.#state = State.Done;
    return at;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x57;
  return -1;
}

function malformed(what: string): MalformedResponseError {
  return new MalformedResponseError(`The engine sent a malformed chunked body: ${what}.`);
}
