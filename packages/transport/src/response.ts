import type { Dispatcher } from 'undici';
import { type QueuedReader, TAKE_QUEUED, readStream } from './read-stream.js';
import { type FailedRequest, mapRequestError } from './error-mapping.js';

/**
 * A successful (status < 400) engine response. Read the body once, in one of the ways below.
 *
 * @example
 * ```ts
 * const res = await transport.request({ method: 'GET', path: '/events' });
 * for await (const bytes of res.body) { ... }   // `break` closes the socket
 * ```
 */
export interface TransportResponse {
  statusCode: number;
  /** Header names lower-cased, as undici gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON. */
  json<T = unknown>(): Promise<T>;
  /** The body as UTF-8 text. */
  text(): Promise<string>;
  /** The whole body. */
  bytes(): Promise<Uint8Array>;
  /** The body as it arrives; `return()` (e.g. `break`) destroys the socket instead of pooling it half-read. */
  body: AsyncIterable<Uint8Array>;
  /** Discards the body (the socket is reused when the body is short, else closed). */
  dump(): Promise<void>;
}

type UndiciBody = Dispatcher.ResponseData['body'];

/** {@link TransportResponse} over undici's response, mapping read errors into the `DockerError` family. */
export class EngineResponse implements TransportResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly #body: UndiciBody;
  readonly #method: string;
  readonly #path: string;
  readonly #signal: AbortSignal | undefined;
  readonly #timeout: number;

  // The request is kept in parts and only described when something fails (the hot path allocates nothing for it).
  constructor(data: Dispatcher.ResponseData, method: string, path: string, signal: AbortSignal | undefined, timeout: number) {
    this.statusCode = data.statusCode;
    this.headers = data.headers;
    this.#body = data.body;
    this.#method = method;
    this.#path = path;
    this.#signal = signal;
    this.#timeout = timeout;
  }

  json<T = unknown>(): Promise<T> {
    return this.#body.json().then(undefined, (err: unknown) => this.#rethrow(err)) as Promise<T>;
  }

  text(): Promise<string> {
    return this.#body.text().then(undefined, (err: unknown) => this.#rethrow(err));
  }

  bytes(): Promise<Uint8Array> {
    return this.#body.bytes().then(undefined, (err: unknown) => this.#rethrow(err));
  }

  dump(): Promise<void> {
    return this.#body.dump().then(undefined, (err: unknown) => this.#rethrow(err));
  }

  get body(): AsyncIterable<Uint8Array> {
    return new ResponseBody(this.#body, this.#failed());
  }

  #failed(): FailedRequest {
    return { request: `${this.#method} ${this.#path}`, signal: this.#signal, timeout: this.#timeout };
  }

  #rethrow(err: unknown): never {
    // A JSON syntax error is the body's content, not the connection: keep it as it is.
    if (err instanceof SyntaxError) throw err;
    throw mapRequestError(err, this.#failed());
  }
}

/** The streaming body: undici's Readable, with errors mapped and `return()` destroying it. */
class ResponseBody implements AsyncIterable<Uint8Array> {
  readonly #readable: UndiciBody;
  readonly #failed: FailedRequest;

  constructor(readable: UndiciBody, failed: FailedRequest) {
    this.#readable = readable;
    this.#failed = failed;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const readable = this.#readable;
    const failed = this.#failed;
    const inner = readStream(readable);
    const iterator: QueuedReader = {
      [TAKE_QUEUED]: inner[TAKE_QUEUED],
      next: () =>
        inner.next().then(undefined, (err: unknown) => {
          throw mapRequestError(err, failed);
        }),
      // Destroying a body that was not read to its end makes undici destroy the socket too.
      return: async () => {
        // Destroying an unread body emits undici's RequestAbortedError; nobody waits for it.
        readable.on('error', ignore);
        await inner.return?.().catch(() => undefined);
        return { done: true, value: undefined };
      },
    };
    return iterator;
  }
}

function ignore(): void {}
