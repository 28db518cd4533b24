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

/**
 * Base class of every error dockyard throws. `instanceof DockerError` also holds for `StreamError`.
 *
 * **Codes.** Every class has a stable `code`, on the class (`NotFoundError.code`) and on each
 * error (`err.code`): `DOCKYARD_` and the class name without `Error` in upper snake case
 * (`NotFoundError` → `DOCKYARD_NOT_FOUND`, `ConnectionError` → `DOCKYARD_CONNECTION`); the base
 * class is `DOCKYARD_ERROR`. A subclass of your own without a `static code` takes its parent's.
 *
 * **`instanceof` across copies.** Two installed copies of dockyard (two versions in one
 * `node_modules` tree, a bundled one and a shared one) have two `NotFoundError` classes. Here
 * `instanceof` compares codes, not class objects: an error is an instance of a class when a
 * class on its prototype chain has the same `code`, so an error from either copy passes the
 * other's checks, and still no unrelated one (a `NotFoundError` is never a `ConflictError`).
 */
export class DockerError extends Error {
  /** This class's stable code (see above); subclasses each declare their own. */
  static readonly code: string = 'DOCKYARD_ERROR';
  /** The HTTP status code, when the error came from an engine response. */
  readonly statusCode: number | undefined;

  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.statusCode = options.statusCode;
  }

  /** The stable code of this error's class, e.g. `'DOCKYARD_NOT_FOUND'`. */
  get code(): string {
    return (this.constructor as { code?: unknown }).code as string;
  }

  // `this` is the class `instanceof` was asked about. The base class also recognises the brand
  // (StreamError); every class with its own `code` matches errors whose chain has that code;
  // a subclass without one (a user's) keeps the usual rule.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (this === DockerError) return (value as Record<symbol, unknown>)[DOCKER_ERROR_BRAND] === true;
    if (!Object.hasOwn(this, 'code')) return Function.prototype[Symbol.hasInstance].call(this, value);
    const wanted = (this as { code?: unknown }).code;
    for (let proto: object | null = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const ctor = Object.hasOwn(proto, 'constructor') ? (proto as { constructor: unknown }).constructor : undefined;
      if (typeof ctor === 'function' && Object.hasOwn(ctor, 'code') && (ctor as { code?: unknown }).code === wanted) return true;
    }
    return false;
  }
}
Object.defineProperty(DockerError.prototype, DOCKER_ERROR_BRAND, { value: true });

/** 304: the request changed nothing (thrown only where the caller asked to know). */
export class NotModifiedError extends DockerError {
  static override readonly code: string = 'DOCKYARD_NOT_MODIFIED';
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 304, ...options });
  }
}
/** 400: the engine rejected the parameters. */
export class BadRequestError extends DockerError {
  static override readonly code: string = 'DOCKYARD_BAD_REQUEST';
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 400, ...options });
  }
}
/** 401: the engine or registry wants (other) credentials. */
export class UnauthorizedError extends DockerError {
  static override readonly code: string = 'DOCKYARD_UNAUTHORIZED';
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 401, ...options });
  }
}
/** 403: the operation is not allowed (e.g. by an authorization plugin). */
export class ForbiddenError extends DockerError {
  static override readonly code: string = 'DOCKYARD_FORBIDDEN';
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 403, ...options });
  }
}
/** 404: no such container, image, volume, network, exec or path. */
export class NotFoundError extends DockerError {
  static override readonly code: string = 'DOCKYARD_NOT_FOUND';
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 404, ...options });
  }
}
/** 409: the resource is in a state that forbids the call (e.g. removing a running container). */
export class ConflictError extends DockerError {
  static override readonly code: string = 'DOCKYARD_CONFLICT';
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 409, ...options });
  }
}
/** 5xx (and any other unexpected status): the engine failed. */
export class ServerError extends DockerError {
  static override readonly code: string = 'DOCKYARD_SERVER';
  constructor(message: string, options: DockerErrorOptions = {}) {
    super(message, { statusCode: 500, ...options });
  }
}
/** The engine could not be reached; the message says what was tried and what to check. */
export class ConnectionError extends DockerError {
  static override readonly code: string = 'DOCKYARD_CONNECTION';
}
/** A connect timeout, or a call's `timeout`, ran out. */
export class TimeoutError extends DockerError {
  static override readonly code: string = 'DOCKYARD_TIMEOUT';
}
/** The caller's `AbortSignal` fired; the socket was closed. */
export class AbortError extends DockerError {
  static override readonly code: string = 'DOCKYARD_ABORT';
}
