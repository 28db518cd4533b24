/**
 * The error family every dockyard call throws. All extend {@link DockerError}; HTTP errors
 * carry `statusCode` and the engine's `message` verbatim.
 *
 * @example
 * ```ts
 * try { await docker.containers.get('nope').inspect(); }
 * catch (err) { if (err instanceof NotFoundError) console.log(err.statusCode, err.message); }
 * ```
 */

/**
 * Brand shared with packages that cannot depend on this one (`@dockyard/stream`'s
 * `StreamError`): an object whose prototype chain carries it counts as a `DockerError`.
 */
export const DOCKER_ERROR_BRAND: unique symbol = Symbol.for('dockyard.DockerError') as never;

/** Options every {@link DockerError} takes. */
export interface DockerErrorOptions {
  /** The HTTP status the engine answered with, when the error came from one. */
  statusCode?: number;
  /** The underlying error (never one that carries credentials). */
  cause?: unknown;
}

/** Base class of every error dockyard throws. `instanceof DockerError` also holds for `StreamError`. */
export class DockerError extends Error {
  /** The HTTP status code, when the error came from an engine response. */
  readonly statusCode: number | undefined;

  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.statusCode = options.statusCode;
  }

  // Only the base class widens `instanceof` to branded errors; subclasses keep the usual rule.
  // `this` is the class `instanceof` was asked about, which is the point here.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== DockerError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DOCKER_ERROR_BRAND] === true;
  }
}
Object.defineProperty(DockerError.prototype, DOCKER_ERROR_BRAND, { value: true });

/** 304: the request changed nothing (thrown only where the caller asked to know). */
export class NotModifiedError extends DockerError {
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 304, ...options });
  }
}
/** 400: the engine rejected the parameters. */
export class BadRequestError extends DockerError {
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 400, ...options });
  }
}
/** 401: the engine or registry wants (other) credentials. */
export class UnauthorizedError extends DockerError {
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 401, ...options });
  }
}
/** 403: the operation is not allowed (e.g. by an authorization plugin). */
export class ForbiddenError extends DockerError {
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 403, ...options });
  }
}
/** 404: no such container, image, volume, network, exec or path. */
export class NotFoundError extends DockerError {
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 404, ...options });
  }
}
/** 409: the resource is in a state that forbids the call (e.g. removing a running container). */
export class ConflictError extends DockerError {
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 409, ...options });
  }
}
/** 5xx (and any other unexpected status): the engine failed. */
export class ServerError extends DockerError {
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 500, ...options });
  }
}
/** The engine could not be reached; the message says what was tried and what to check. */
export class ConnectionError extends DockerError {}
/** A connect or time-to-headers timeout ran out. */
export class TimeoutError extends DockerError {}
/** The caller's `AbortSignal` fired; the socket was closed. */
export class AbortError extends DockerError {}
