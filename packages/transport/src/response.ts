import type { CallDeadline } from './call-deadline.js';
import { type FailedRequest, mapRequestError } from './error-mapping.js';
import { MalformedResponseError } from './hijack/protocol-errors.js';
import type { ResponseBody } from './http/response-body.js';

/** How much of a body that is not JSON an error message quotes. */
const EXCERPT_LENGTH = 200;
/** `dump()` reads at most this much of a body before it closes the connection instead. */
const DUMP_LIMIT = 256 * 1024;

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
  /** Header names lower-cased; a repeated header's values joined with `, `. */
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

/** {@link TransportResponse} over a response body read off its connection, mapping read errors into the `DockerError` family. */
export class EngineResponse implements TransportResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly #body: ResponseBody;
  readonly #method: string;
  readonly #path: string;
  readonly #signal: AbortSignal | undefined;
  readonly #timeout: number;
  readonly #deadline: CallDeadline | undefined;

  // The request is kept in parts and only described when something fails (the hot path allocates nothing for it).
  constructor(
    statusCode: number,
    headers: Record<string, string>,
    body: ResponseBody,
    method: string,
    path: string,
    signal: AbortSignal | undefined,
    timeout: number,
    deadline?: CallDeadline,
  ) {
    this.statusCode = statusCode;
    this.headers = headers;
    this.#body = body;
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
    return this.bytes().then((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }

  bytes(): Promise<Uint8Array> {
    return readAll(this.#body).then(this.#done, this.#rethrow);
  }

  dump(): Promise<void> {
    return dumpBody(this.#body).then(this.#done, this.#rethrow);
  }

  get body(): AsyncIterable<Uint8Array> {
    this.#deadline?.stopTimer();
    const deadline = this.#deadline;
    const failed = this.#failed();
    // Read straight off the connection: errors mapped and the call ended by the body itself,
    // with no wrapper (and no promise of its own) per chunk.
    return this.#body.watch({
      error: (err) => mapRequestError(err, failed),
      end: () => deadline?.end(),
    });
  }

  #failed(): FailedRequest {
    return { request: `${this.#method} ${this.#path}`, signal: this.#signal, timeout: this.#timeout };
  }

  readonly #done = <V>(value: V): V => {
    this.#deadline?.end();
    return value;
  };

  readonly #rethrow = (err: unknown): never => {
    this.#deadline?.end();
    throw this.#deadline?.expired ?? mapRequestError(err, this.#failed());
  };
}

/** The whole body, in one buffer (a single read is handed back as it is). */
async function readAll(body: ResponseBody): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let step = await body.next(); !step.done; step = await body.next()) {
    parts.push(step.value);
    size += step.value.length;
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  return Buffer.concat(parts, size);
}

/** Reads a short body to its end (the connection is reused); gives a long one up (the connection closes). */
async function dumpBody(body: ResponseBody): Promise<void> {
  let size = 0;
  for (let step = await body.next(); !step.done; step = await body.next()) {
    size += step.value.length;
    if (size > DUMP_LIMIT) {
      await body.return();
      return;
    }
  }
}
