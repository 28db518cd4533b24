import { type Chunk, type Line, type LinesOptions, lines, splitStreams } from '@dockyard/stream';
import type { StreamOptions } from '../call-options.js';
import { LazyStream } from '../lazy-stream.js';

/** What a {@link LogStream} reads: typed chunks, and whether their data starts with a timestamp. */
export interface LogSource {
  chunks: AsyncIterable<Chunk>;
  /** The engine prefixed every log message with its time (`timestamps=1`, framed output). */
  timestamped: boolean;
}

/** Which streams to ask the engine for; `undefined` keeps what the caller's options said. */
export type LogSides = { stdout: boolean; stderr: boolean } | undefined;

/** Opens a log request: the SDK's `logs()` passes one that reads the container's log. */
export type OpenLog = (signal: AbortSignal, sides: LogSides) => Promise<LogSource>;

/** Options of {@link LogStream.lines}. */
export type LogLinesOptions = Omit<LinesOptions, 'timestamps'>;

const decoder = new TextDecoder();
const SPACE = 0x20;

/** Splits the engine's `<RFC 3339 nano> ` prefix off a log message into `timestamp`. */
async function* withTimestamps(chunks: AsyncIterable<Chunk>): AsyncGenerator<Chunk> {
  for await (const chunk of chunks) {
    const space = chunk.data.indexOf(SPACE);
    // A frame is one log message (or a piece of a long one): the prefix is at its start.
    if (space > 0 && space <= 40) {
      yield { stream: chunk.stream, data: chunk.data.subarray(space + 1), timestamp: decoder.decode(chunk.data.subarray(0, space)) };
    } else yield chunk;
  }
}

async function* dataOf(chunks: AsyncIterable<Chunk>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) yield chunk.data;
}

type View = 'chunks' | 'lines' | 'sides';

/**
 * A container's log: `for await` it for {@link Chunk}s, or read it as `.lines()`, `.text()`,
 * `.stdout` or `.stderr`. The request starts on the first read; it is read once, one way.
 *
 * @example
 * ```ts
 * for await (const { stream, data } of c.logs({ follow: true })) process[stream].write(data);
 * for await (const line of c.logs({ timestamps: true }).lines()) console.log(line.timestamp, line.text);
 * const text = await c.logs({ tail: 100 }).text();
 * for await (const bytes of c.logs().stdout) process.stdout.write(bytes);  // asks for stdout only
 * ```
 */
export class LogStream extends LazyStream<Chunk> {
  readonly #open: OpenLog;
  readonly #options: StreamOptions;
  #view: View | undefined;
  readonly #sides = new Map<'stdout' | 'stderr', LazyStream<Uint8Array>>();
  #split: Promise<{ stdout: AsyncIterableIterator<Uint8Array>; stderr: AsyncIterableIterator<Uint8Array> }> | undefined;

  constructor(open: OpenLog, options: StreamOptions = {}) {
    super(async (signal) => {
      const source = await open(signal, undefined);
      return source.timestamped ? withTimestamps(source.chunks) : source.chunks;
    }, options);
    this.#open = open;
    this.#options = options;
  }

  override [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    this.#claim('chunks');
    return super[Symbol.asyncIterator]();
  }

  /** UTF-8 lines, each with its stream and (with `timestamps: true`) its time; no `\n`. */
  lines(options: LogLinesOptions = {}): AsyncIterable<Line> & AsyncDisposable {
    this.#claim('lines');
    return new LazyStream<Line>(async (signal) => {
      const source = await this.#open(signal, undefined);
      return lines(source.chunks, { ...options, timestamps: source.timestamped });
    }, this.#linked());
  }

  /** The whole (finite) log as one string, stdout and stderr interleaved as written. */
  async text(): Promise<string> {
    const parts: string[] = [];
    const utf8 = new TextDecoder();
    for await (const chunk of this) parts.push(utf8.decode(chunk.data, { stream: true }));
    parts.push(utf8.decode());
    return parts.join('');
  }

  /**
   * Only the stdout bytes. Read alone, it asks the engine for stdout only; take `.stdout` and
   * `.stderr` both before reading either to read both from one request (concurrently or in turn).
   */
  get stdout(): AsyncIterable<Uint8Array> & AsyncDisposable {
    return this.#side('stdout');
  }

  /** Only the stderr bytes; see {@link LogStream.stdout}. */
  get stderr(): AsyncIterable<Uint8Array> & AsyncDisposable {
    return this.#side('stderr');
  }

  #side(name: 'stdout' | 'stderr'): LazyStream<Uint8Array> {
    const existing = this.#sides.get(name);
    if (existing) return existing;
    this.#claim('sides');
    const side = new LazyStream<Uint8Array>(async (signal) => {
      if (this.#sides.size === 1) {
        const source = await this.#open(signal, { stdout: name === 'stdout', stderr: name === 'stderr' });
        return dataOf(source.chunks);
      }
      this.#split ??= this.#open(this.signal, undefined).then((source) => splitStreams(source.chunks));
      return (await this.#split)[name];
    }, this.#linked());
    this.#sides.set(name, side);
    return side;
  }

  /** A signal for derived views that closes them when this stream is closed. */
  #linked(): StreamOptions {
    return { signal: this.#options.signal ? AbortSignal.any([this.signal, this.#options.signal]) : this.signal };
  }

  #claim(view: View): void {
    if (this.#view === view && view !== 'sides') {
      throw new TypeError('This log stream was already read: call logs() again for a new one.');
    }
    if (this.#view && this.#view !== view) {
      throw new TypeError(`This log stream is already read as ${this.#view}: each log stream is read one way, once. Call logs() again for another view.`);
    }
    this.#view = view;
  }
}
