import { type Chunk, type Line, type LinesOptions, lines, splitStreams } from '@dockyard/stream';
import type { StreamOptions } from '../call-options.js';
import { LazyStream } from '../lazy-stream.js';

/**
 * What a {@link LogStream} reads: typed chunks, with the engine's timestamps (when asked for
 * on framed output) already split off into `Chunk.timestamp` by the demuxer.
 */
export interface LogSource {
  chunks: AsyncIterable<Chunk>;
}

/** Which streams to ask the engine for; `undefined` keeps what the caller's options said. */
export type LogSides = { stdout: boolean; stderr: boolean } | undefined;

/** Opens a log request: the SDK's `logs()` passes one that reads the container's log. */
export type OpenLog = (signal: AbortSignal, sides: LogSides) => Promise<LogSource>;

/** Options of {@link LogStream.lines}. */
export type LogLinesOptions = Omit<LinesOptions, 'timestamps'>;

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
      return source.chunks;
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
      // Each line takes the timestamp of the chunk it starts in.
      return lines(source.chunks, options);
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
   * Only the stdout bytes (with `timestamps: true`, without the timestamps). Read alone, it asks
   * the engine for stdout only; take `.stdout` and `.stderr` both before reading either to read
   * both from one request (concurrently or in turn).
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
