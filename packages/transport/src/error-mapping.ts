import {
  AbortError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  DockerError,
  type DockerErrorOptions,
  ForbiddenError,
  NotFoundError,
  NotModifiedError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from './errors.js';

/** A {@link DockerError} mapped from a failed request; `request` names it, e.g. `GET /containers/x/json`. */
export type RequestError = DockerError & { readonly request?: string };

type ErrorClass = new (message: string, options?: DockerErrorOptions) => DockerError;

const BY_STATUS: Record<number, ErrorClass> = {
  304: NotModifiedError,
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
};

/**
 * The engine's message from an error response body: the `message` of a JSON body verbatim,
 * else the text itself (trimmed), else (empty body) a sentence naming the request and status.
 */
export function engineErrorMessage(statusCode: number, body: string, request: string): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // Not JSON after all: the text is the message.
    }
  }
  if (text !== '') return text;
  return `The engine answered ${request} with HTTP ${statusCode} and no message.`;
}

/**
 * The {@link DockerError} for an HTTP status the engine answered with: 304, 400, 401, 403,
 * 404 and 409 get their own classes; every other status (5xx and anything unexpected) is a
 * `ServerError` carrying the real `statusCode`, except Podman's 500 for a conflict (its
 * `cause` is `container state improper` or `that name is already in use`), which is a
 * `ConflictError` as dockerd's 409 would be. The message is the engine's, verbatim.
 *
 * @example
 * ```ts
 * const err = errorFromStatus(404, '{"message":"No such container: x"}', 'GET /containers/x/json');
 * err instanceof NotFoundError; // true; err.message === 'No such container: x'
 * ```
 */
export function errorFromStatus(statusCode: number, body: string, request: string): RequestError {
  const ErrorClass = isPodmanConflict(statusCode, body) ? ConflictError : (BY_STATUS[statusCode] ?? ServerError);
  const err = new ErrorClass(engineErrorMessage(statusCode, body, request), { statusCode }) as RequestError;
  return describeRequest(err, request);
}

// Podman's Docker-compatible API answers 500 where dockerd answers 409 (removing a running
// container, killing a stopped one, exec in a stopped one, a name in use); its JSON body's
// `cause` names the conflict. The error keeps the real statusCode (500).
const PODMAN_CONFLICT_CAUSES = new Set(['container state improper', 'that name is already in use']);

function isPodmanConflict(statusCode: number, body: string): boolean {
  if (statusCode !== 500 || !body.includes('"cause"')) return false;
  try {
    const { cause } = JSON.parse(body) as { cause?: unknown };
    return typeof cause === 'string' && PODMAN_CONFLICT_CAUSES.has(cause);
  } catch {
    return false;
  }
}

/** What {@link mapRequestError} needs to know about the request that failed. */
export interface FailedRequest {
  /** `METHOD /path`, for messages and the error's `request` property. */
  request: string;
  /** The caller's signal: when it fired, any failure is reported as an {@link AbortError}. */
  signal?: AbortSignal | undefined;
  /** The call's `timeout` that was in force, in ms. */
  timeout?: number | undefined;
  /** A sentence on what else a broken connection can mean for this endpoint (e.g. over TLS). */
  hint?: string | undefined;
}

/**
 * Turns whatever a request failed with (undici errors, socket errors, the connector's own
 * errors) into the `DockerError` family: a fired signal gives `AbortError` (the signal's
 * reason as `cause`), undici's timeouts give `TimeoutError`, socket failures give
 * `ConnectionError`. `DockerError`s and the caller's own mistakes (undici's invalid-argument
 * errors, `TypeError`s) pass through unchanged.
 */
export function mapRequestError(err: unknown, failed: FailedRequest): Error {
  if (failed.signal?.aborted) {
    if (err instanceof AbortError) return err;
    return describeRequest(new AbortError(`${failed.request} was aborted.`, { cause: failed.signal.reason }), failed.request);
  }
  if (err instanceof DockerError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return describeRequest(
        new TimeoutError(
          `The engine sent no response headers for ${failed.request} within ${failed.timeout ?? 'the'} ms; raise the request's \`timeout\` for slow calls.`,
          { cause: err },
        ),
        failed.request,
      );
    case 'UND_ERR_CONNECT_TIMEOUT':
      return describeRequest(
        new TimeoutError(`Connecting to the engine timed out for ${failed.request}; is it reachable?`, { cause: err }),
        failed.request,
      );
    case 'UND_ERR_ABORTED':
      return describeRequest(new AbortError(`${failed.request} was aborted.`, { cause: err }), failed.request);
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLIENT_DESTROYED':
      return transportClosedError(failed.request, err);
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return describeRequest(
        new ConnectionError(
          `The connection to the engine broke during ${failed.request} (${(err as Error).message}); did the engine restart?` +
            (failed.hint ? ` ${failed.hint}` : ''),
          { cause: err },
        ),
        failed.request,
      );
    case 'UND_ERR_INVALID_ARG':
      return err as Error;
    default:
      if ((err as Error | null)?.name === 'AbortError') {
        return describeRequest(new AbortError(`${failed.request} was aborted.`, { cause: err }), failed.request);
      }
      if (err instanceof TypeError || err instanceof RangeError) return err;
      return describeRequest(
        new ConnectionError(`${failed.request} failed: ${(err as Error | null)?.message?.trim() ?? String(err)}` + (failed.hint ? ` ${failed.hint}` : ''), {
          cause: err,
        }),
        failed.request,
      );
  }
}

/** The `ConnectionError` of a request made on, or cut short by, a closed transport. */
export function transportClosedError(request: string, cause?: unknown): ConnectionError {
  return describeRequest(new ConnectionError(`${request} failed: this transport was closed.`, cause === undefined ? {} : { cause }), request);
}

// `request` is informational and kept out of the message, which stays the engine's own.
function describeRequest<E extends DockerError>(err: E, request: string): E & { readonly request: string } {
  Object.defineProperty(err, 'request', { value: request, enumerable: false, configurable: true });
  return err as E & { readonly request: string };
}
