/**
 * Brand that `@dockyard/transport`'s `DockerError` recognises in its `instanceof` check, so a
 * `StreamError` counts as a `DockerError` without this package depending on transport.
 */
const DOCKER_ERROR_BRAND: unique symbol = Symbol.for('dockyard.DockerError') as never;

/** Options a {@link StreamError} takes. */
export interface StreamErrorOptions {
  /** The engine's error code (e.g. `errorDetail.code` of a progress message), when it sent one. */
  engineCode?: number | string;
  /** The underlying error, e.g. the `SyntaxError` of an invalid JSON document. */
  cause?: unknown;
}

/**
 * An error found inside a stream: a system-error frame, a frame header with an unknown stream
 * byte, a stream that ends inside a frame, invalid JSON, or an `errorDetail` in a progress
 * stream. `err instanceof DockerError` (from `@dockyard/transport`) holds for it too.
 *
 * Like every dockyard error it has a stable `code`, `'DOCKYARD_STREAM'` (the engine's own
 * code, when it sent one, is `engineCode`), and its `instanceof` holds across two installed
 * copies of this package: it compares that code along the prototype chain, not class objects
 * (the scheme `DockerError` documents).
 *
 * @example
 * ```ts
 * try { for await (const m of progressStream(body)) console.log(m.status); }
 * catch (err) { if (err instanceof StreamError) console.error(err.engineCode, err.message); }
 * ```
 */
export class StreamError extends Error {
  /** This class's stable code. */
  static readonly code: string = 'DOCKYARD_STREAM';
  /** The engine's error code, when the stream carried one. */
  readonly engineCode?: number | string;
  /** Always undefined: a stream error is not an HTTP status (kept for the `DockerError` shape). */
  readonly statusCode: undefined = undefined;

  constructor(message: string, options: StreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StreamError';
    if (options.engineCode !== undefined) this.engineCode = options.engineCode;
  }

  /** The stable code of this error's class: `'DOCKYARD_STREAM'`. */
  get code(): string {
    return (this.constructor as { code?: unknown }).code as string;
  }

  // The same rule as DockerError's: a class with its own `code` matches errors whose prototype
  // chain has a class with that code (so across copies); a subclass without one, the usual rule.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (!Object.hasOwn(this, 'code')) return Function.prototype[Symbol.hasInstance].call(this, value);
    const wanted = (this as { code?: unknown }).code;
    for (let proto: object | null = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const ctor = Object.hasOwn(proto, 'constructor') ? (proto as { constructor: unknown }).constructor : undefined;
      if (typeof ctor === 'function' && Object.hasOwn(ctor, 'code') && (ctor as { code?: unknown }).code === wanted) return true;
    }
    return false;
  }
}
Object.defineProperty(StreamError.prototype, DOCKER_ERROR_BRAND, { value: true });
