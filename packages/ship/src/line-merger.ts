import type { Chunk, StreamName } from 'dockyard';

/** One complete log line, its parts joined, without its `\n`: as text, or (`LineMerger(keepBytes)`) its bytes. */
export interface MergedLine<L = string> {
  stream: StreamName;
  /** The engine's time of the line's first part (RFC 3339, nanoseconds). */
  time: string | undefined;
  log: L;
}

interface Partial {
  parts: Uint8Array[];
  bytes: number;
  time: string | undefined;
}

const NEWLINE = 0x0a;
/** The engine's copier cuts lines into parts of this many bytes. */
export const PART_SIZE = 16 * 1024;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Joins the parts the engine split a long line into back into one line, decoding UTF-8 only
 * once the line is whole, so a character cut at a part boundary stays intact. stdout and
 * stderr have their own partial lines.
 *
 * What 20.10 sends: every part but the last is 16 KiB without `\n`. The last part ends with
 * `\n` when read from json-file, but not from the local driver (nor the dual-logging cache,
 * which uses it). So a message is a whole line, or the end of one, when it ends with `\n` or
 * is shorter than 16 KiB; a 16 KiB message without `\n` continues. (json-file stores parts
 * as JSON strings: a character cut at the boundary is already U+FFFD there, which no reader
 * can undo.)
 *
 * Podman (4.3) is different: conmon cuts lines wherever its reads of the container's pipe end,
 * and its logs endpoint sends each piece as a message of its own (with its own timestamp),
 * only the last with `\n`. With {@link LineMerger.newlineOnly} set, only a `\n` ends a line.
 */
export class LineMerger<L = string> {
  /** Turns a whole line's bytes into what it yields: UTF-8 text by default. */
  readonly #finish: (bytes: Uint8Array) => L;

  constructor(...finish: L extends string ? [] : [(bytes: Uint8Array) => L]) {
    this.#finish = finish[0] ?? ((bytes: Uint8Array) => utf8.decode(bytes) as L);
  }

  /** Only a `\n` ends a line, a message of any size without one continues it (Podman's rule). */
  newlineOnly = false;

  readonly #partial: Record<StreamName, Partial> = { stdout: { parts: [], bytes: 0, time: undefined }, stderr: { parts: [], bytes: 0, time: undefined } };

  /** Adds one message of the log; returns the line it completes, if any. */
  push(chunk: Chunk): MergedLine<L> | undefined {
    return this.message(chunk.stream, chunk.timestamp, chunk.data);
  }

  /**
   * {@link LineMerger.push} with the message's parts as arguments: its bytes are
   * `bytes[start, end)` (the whole of `bytes` by default). A line within one message becomes
   * one view of `bytes`; parts of a longer line are copied until it is whole.
   */
  message(stream: StreamName, timestamp: string | undefined, bytes: Uint8Array, start = 0, end = bytes.byteLength): MergedLine<L> | undefined {
    const partial = this.#partial[stream];
    if (partial.parts.length === 0) partial.time = timestamp;
    const size = end - start;
    const newline = size > 0 && bytes[end - 1] === NEWLINE;
    if (newline || (size < PART_SIZE && !this.newlineOnly)) {
      const stop = newline ? end - 1 : end;
      let text: L;
      if (partial.parts.length === 0) text = this.#finish(new Uint8Array(bytes.buffer, bytes.byteOffset + start, stop - start));
      else {
        partial.parts.push(bytes.subarray(start, stop));
        text = this.#finish(Buffer.concat(partial.parts));
      }
      const line: MergedLine<L> = { stream, time: partial.time, log: text };
      partial.parts = [];
      partial.bytes = 0;
      return line;
    }
    // A part: the bytes may be reused by the reader below, so keep a copy.
    partial.parts.push(bytes.slice(start, end));
    partial.bytes += size;
    return undefined;
  }

  /** The unterminated last lines (the log ended inside them), stdout's first. */
  flush(): Array<MergedLine<L>> {
    const out: Array<MergedLine<L>> = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const partial = this.#partial[stream];
      if (partial.parts.length > 0) out.push({ stream, time: partial.time, log: this.#finish(Buffer.concat(partial.parts)) });
      this.#partial[stream] = { parts: [], bytes: 0, time: undefined };
    }
    return out;
  }
}
