import { PullIterator } from './pull-iterator.js';
import type { Chunk, Line, StreamName } from './types.js';

/** Options of {@link lines}. */
export interface LinesOptions {
  /**
   * Split off the RFC 3339 (nano) timestamp the engine writes before each line when logs are
   * asked for with `timestamps=1` into `Line.timestamp`. A line without one passes unchanged.
   */
  timestamps?: boolean;
  /**
   * Longest line handed out, in UTF-16 code units (JS string length); a longer line comes out
   * in pieces of at most this many, never split inside a surrogate pair. At least 2.
   * Default 1 MiB (1 048 576).
   */
  maxLineLength?: number;
}

const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;
/** The engine's `RFC3339NanoFixed` and plain RFC 3339 forms, followed by one space. */
const TIMESTAMP_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) /;
/** A prefix longer than this (space included) cannot be a timestamp. */
const TIMESTAMP_WINDOW = 36;

/**
 * Decodes chunks into UTF-8 lines, keeping each line's stream tag: stdout and stderr have
 * separate partial-line buffers and decoders, so interleaved frames never mix, and characters
 * split across chunks decode right (invalid bytes become U+FFFD). Lines end at `\n` or `\r\n`
 * (a lone `\r` stays in the text); the last unterminated line of each stream is handed out at
 * the end. Lines come out in the order they complete. A line that started in a chunk carrying
 * a `timestamp` gets that timestamp unless `timestamps` finds one in the text. Pieces of one
 * frame (see `demuxFrames`) join like any other chunks: the lines are the same whatever
 * the chunking.
 *
 * Known engine quirk: with `timestamps=1` the engine splits log lines longer than 16 KiB into
 * frames and writes a timestamp before each; `timestamps` here finds only the first, the later
 * ones stay in the text. `demuxFrames(body, { timestamps: true })` strips every one of them.
 *
 * @example
 * ```ts
 * for await (const line of lines(demuxFrames(body, { timestamps: true }))) {
 *   console.log(line.timestamp, line.stream, line.text);
 * }
 * ```
 */
export function lines(chunks: AsyncIterable<Chunk>, options: LinesOptions = {}): AsyncIterableIterator<Line> {
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  if (!Number.isSafeInteger(maxLineLength) || maxLineLength < 2) {
    throw new RangeError(`maxLineLength must be an integer of at least 2, got ${maxLineLength}`);
  }
  return new LineSplitter(chunks, options.timestamps === true, maxLineLength);
}

/** The line in progress of one stream. */
class PartialLine {
  readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Text of the line so far, after its timestamp once that is split off. */
  text = '';
  /** Something (even one byte of a character) arrived since the last line ended. */
  started = false;
  /** The timestamp prefix is still to be looked for in `text`. */
  stampPending = false;
  timestamp: string | undefined;
  /** When the line started, so the ends of both streams are flushed in that order. */
  startedAt = 0;

  constructor(readonly stream: StreamName) {}
}

class LineSplitter extends PullIterator<Chunk, Line> {
  readonly #stdout = new PartialLine('stdout');
  readonly #stderr = new PartialLine('stderr');
  readonly #timestamps: boolean;
  readonly #max: number;
  #chunksSeen = 0;

  constructor(source: AsyncIterable<Chunk>, timestamps: boolean, max: number) {
    super(source);
    this.#timestamps = timestamps;
    this.#max = max;
  }

  protected accept(chunk: Chunk): void {
    this.#chunksSeen++;
    const line = chunk.stream === 'stderr' ? this.#stderr : this.#stdout;
    if (!line.started && chunk.data.length > 0) this.#start(line, chunk.timestamp);
    const text = line.decoder.decode(chunk.data, { stream: true });
    let from = 0;
    for (;;) {
      const newline = text.indexOf('\n', from);
      if (newline === -1) break;
      if (!line.started) this.#start(line, chunk.timestamp);
      this.#complete(line, line.text + text.slice(from, newline), true);
      from = newline + 1;
    }
    if (from < text.length) {
      if (!line.started) this.#start(line, chunk.timestamp);
      this.#accumulate(line, from === 0 ? text : text.slice(from));
    }
  }

  protected override finish(): void {
    const open = [this.#stdout, this.#stderr].sort((a, b) => a.startedAt - b.startedAt);
    for (const line of open) {
      // Bytes of a character cut off by the end decode to U+FFFD, possibly starting a line.
      const tail = line.decoder.decode();
      if (tail.length > 0) {
        if (!line.started) this.#start(line, undefined);
        this.#accumulate(line, tail);
      }
      if (line.started) this.#complete(line, line.text, false);
    }
  }

  #start(line: PartialLine, timestamp: string | undefined): void {
    line.started = true;
    line.startedAt = this.#chunksSeen;
    line.stampPending = this.#timestamps;
    line.timestamp = timestamp;
  }

  /** Adds text with no newline in it to the line in progress; hands out pieces beyond the cap. */
  #accumulate(line: PartialLine, text: string): void {
    line.text += text;
    if (line.stampPending) {
      if (line.text.length < TIMESTAMP_WINDOW && !line.text.includes(' ')) return;
      this.#splitTimestamp(line);
    }
    // Keep one unit beyond the cap: a trailing '\r' may yet turn out to end the line.
    const max = this.#max;
    while (line.text.length > max + 1) {
      const cut = cutPoint(line.text, max);
      this.#emit(line, line.text.slice(0, cut));
      line.text = line.text.slice(cut);
    }
  }

  /** Hands out a whole line (`text` without its '\n'), in pieces if it is too long. */
  #complete(line: PartialLine, text: string, terminated: boolean): void {
    line.text = text.length > 0 && terminated && text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (line.stampPending) this.#splitTimestamp(line);
    let rest = line.text;
    while (rest.length > this.#max) {
      const cut = cutPoint(rest, this.#max);
      this.#emit(line, rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    this.#emit(line, rest);
    line.text = '';
    line.started = false;
    line.timestamp = undefined;
  }

  #splitTimestamp(line: PartialLine): void {
    line.stampPending = false;
    const match = TIMESTAMP_PREFIX.exec(line.text);
    if (match === null) return;
    line.timestamp = match[1];
    line.text = line.text.slice(match[0].length);
  }

  #emit(line: PartialLine, text: string): void {
    this.out.push(
      line.timestamp === undefined
        ? { stream: line.stream, text }
        : { stream: line.stream, text, timestamp: line.timestamp },
    );
  }
}

/** Where to cut `text` to at most `max` units without splitting a surrogate pair. */
function cutPoint(text: string, max: number): number {
  const before = text.charCodeAt(max - 1);
  const after = text.charCodeAt(max);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff ? max - 1 : max;
}
