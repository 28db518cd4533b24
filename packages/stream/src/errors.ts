/**
 * Brand that `@dockyard/transport`'s `DockerError` recognises in its `instanceof` check, so a
 * `StreamError` counts as a `DockerError` without this package depending on transport.
 */
const DOCKER_ERROR_BRAND: unique symbol = Symbol.for('dockyard.DockerError') as never;

/** Options a {@link StreamError} takes. */
export interface StreamErrorOptions {
  /** The engine's error code (e.g. `errorDetail.code` of a progress message), when it sent one. */
  code?: number | string;
  /** The underlying error, e.g. the `SyntaxError` of an invalid JSON document. */
  cause?: unknown;
}

/**
 * An error found inside a stream: a system-error frame, a frame header with an unknown stream
 * byte, a stream that ends inside a frame, invalid JSON, or an `errorDetail` in a progress
 * stream. `err instanceof DockerError` (from `@dockyard/transport`) holds for it too.
 *
 * @example
 * ```ts
 * try { for await (const m of progressStream(body)) console.log(m.status); }
 * catch (err) { if (err instanceof StreamError) console.error(err.code, err.message); }
 * ```
 */
export class StreamError extends Error {
  /** The engine's error code, when the stream carried one. */
  readonly code?: number | string;
  /** Always undefined: a stream error is not an HTTP status (kept for the `DockerError` shape). */
  readonly statusCode: undefined = undefined;

  constructor(message: string, options: StreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StreamError';
    if (options.code !== undefined) this.code = options.code;
  }
}
Object.defineProperty(StreamError.prototype, DOCKER_ERROR_BRAND, { value: true });
