import type { Dispatcher } from 'undici';
import type { CallDeadline } from './call-deadline.js';
import { type QueuedReader, TAKE_QUEUED, readStream } from './read-stream.js';
import { type FailedRequest, mapRequestError } from './error-mapping.js';
import { MalformedResponseError } from './hijack/protocol-errors.js';

/** How much of a body that is not JSON an error message quotes. */
const EXCERPT_LENGTH = 200;

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
  /** The body parsed as JSON; a body that is not JSON throws `MalformedResponseError`. */
  json<T = unknown>(): Promise<T>;
  /** The body as UTF-8 text. */
  text(): Promise<string>;
  /** The whole body. */
  bytes(): Promise<Uint8Array>;
  /**
   * The body as it arrives, never timed out (taking it stops the request's `timeout`);
   * `return()` (e.g. `break`) destroys the socket instead of pooling it half-read.
   */
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
  readonly #deadline: CallDeadline | undefined;

  // The request is kept in parts and only described when something fails (the hot path allocates nothing for it).
  constructor(
    data: Dispatcher.ResponseData,
    method: string,
    path: string,
    signal: AbortSignal | undefined,
    timeout: number,
    deadline?: CallDeadline,
  ) {
    this.statusCode = data.statusCode;
    this.headers = data.headers;
    this.#body = data.body;
    this.#method = method;
    this.#path = path;
    this.#signal = signal;
    this.#timeout = timeout;
    this.#deadline = deadline;
  }

  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      const excerpt = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
      throw new MalformedResponseError(`The engine's answer to ${this.#method} ${this.#path} is not valid JSON: ${JSON.stringify(excerpt)}`, {
        cause: err,
      });
    }
  }

  text(): Promise<string> {
    return this.#body.text().then(this.#done, this.#rethrow);
  }

  bytes(): Promise<Uint8Array> {
    return this.#body.bytes().then(this.#done, this.#rethrow);
  }

  dump(): Promise<void> {
    return this.#body.dump().then(this.#done, this.#rethrow);
  }

  get body(): AsyncIterable<Uint8Array> {
    this.#deadline?.stopTimer();
    return new ResponseBody(this.#body, this.#failed(), this.#deadline);
  }

  #failed(): FailedRequest {
    return { request: `${this.#method} ${this.#path}`, signal: this.#signal, timeout: this.#timeout };
  }

  readonly #done = <V>(value: V): V => {
    this.#deadline?.end();
    // undici's dump() resolves when the body closes, also when an abort or the deadline closed it.
    if (this.#deadline?.signal.aborted) {
      throw this.#deadline.expired ?? mapRequestError(this.#deadline.signal.reason, this.#failed());
    }
    return value;
  };

  readonly #rethrow = (err: unknown): never => {
    this.#deadline?.end();
    throw this.#deadline?.expired ?? mapRequestError(err, this.#failed());
  };
}

/** The streaming body: undici's Readable, with errors mapped and `return()` destroying it. */
class ResponseBody implements AsyncIterable<Uint8Array> {
  readonly #readable: UndiciBody;
  readonly #failed: FailedRequest;
  readonly #deadline: CallDeadline | undefined;

  constructor(readable: UndiciBody, failed: FailedRequest, deadline: CallDeadline | undefined) {
    this.#readable = readable;
    this.#failed = failed;
    this.#deadline = deadline;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const readable = this.#readable;
    const failed = this.#failed;
    const deadline = this.#deadline;
    const inner = readStream(readable);
    const onResult = deadline === undefined ? undefined : endWhenDone(deadline);
    const next = onResult === undefined ? () => inner.next() : () => inner.next().then(onResult);
    const iterator: QueuedReader = {
      // Chunks already received, without a promise each; the end still comes through next().
      [TAKE_QUEUED]: inner[TAKE_QUEUED],
      next: () =>
        next().then(undefined, (err: unknown) => {
          deadline?.end();
          throw mapRequestError(err, failed);
        }),
      // Destroying a body that was not read to its end makes undici destroy the socket too.
      return: async () => {
        deadline?.end();
        // Destroying an unread body emits undici's RequestAbortedError; nobody waits for it.
        readable.on('error', ignore);
        await inner.return?.().catch(() => undefined);
        return { done: true, value: undefined };
      },
    };
    return iterator;
  }
}

// The body ended: the call is over, so the caller's signal is let go.
function endWhenDone(deadline: CallDeadline) {
  return (result: IteratorResult<Uint8Array>): IteratorResult<Uint8Array> => {
    if (result.done) deadline.end();
    return result;
  };
}

function ignore(): void {}
