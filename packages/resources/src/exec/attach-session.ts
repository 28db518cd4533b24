import { type HijackedConnection, linkAbort } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import type { TtySize } from '../containers/options.js';
import { type Framing, chunksOf } from '../framing.js';
import { OutputReader, ProcessOutput } from './exec-output.js';

/**
 * An attached container: write to its stdin, half-close it, and `for await` its output
 * until the engine closes the connection.
 *
 * @example
 * ```ts
 * const session = await c.attach({ stdin: true });
 * await session.write('hello\n');
 * await session.end();
 * for await (const { stream, data } of session) process[stream].write(data);
 * ```
 */
export class AttachSession extends OutputReader {
  readonly #conn: HijackedConnection;
  readonly #output: ProcessOutput;
  readonly #resize: (size: TtySize) => Promise<void>;

  /** @internal Use `container.attach()`. */
  constructor(conn: HijackedConnection, framing: Framing, resize: (size: TtySize) => Promise<void>, options: StreamOptions = {}) {
    super();
    this.#conn = conn;
    this.#resize = resize;
    this.#output = new ProcessOutput(async (signal) => {
      linkAbort(signal, () => conn.close());
      return chunksOf(conn.output, framing);
    }, { signal: options.signal });
  }

  /** Writes to the container's stdin, resolving when the socket took the bytes. */
  write(data: Uint8Array | string): Promise<void> {
    return this.#conn.write(data);
  }

  /** Half-closes stdin; output keeps flowing until the engine closes. */
  end(): Promise<void> {
    return this.#conn.end();
  }

  /** @internal */
  protected override get processOutput(): ProcessOutput {
    return this.#output;
  }

  /** Resizes the container's TTY. */
  resize(size: TtySize): Promise<void> {
    return this.#resize(size);
  }

  /** Closes the connection (the container runs on). */
  async close(): Promise<void> {
    await this.#output.close();
    this.#conn.close();
  }
}
