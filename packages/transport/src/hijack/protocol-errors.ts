import { ConnectionError } from '../errors.js';

/**
 * The engine (or whatever answers on the socket) sent a response that is not valid HTTP/1.1:
 * a garbage status line or header line. A kind of `ConnectionError`: the other end is not
 * speaking the protocol, so check that the endpoint really is a Docker engine.
 */
export class MalformedResponseError extends ConnectionError {
  static override readonly code: string = 'DOCKYARD_MALFORMED_RESPONSE';
}

/** The response header block grew past its bound (64 KiB by default) without ending. */
export class ResponseHeadTooLargeError extends MalformedResponseError {
  static override readonly code: string = 'DOCKYARD_RESPONSE_HEAD_TOO_LARGE';
  /** The bound, in bytes. */
  readonly limit: number;
  constructor(limit: number) {
    super(`The engine's response headers exceed ${limit} bytes; is the endpoint really a Docker engine?`);
    this.limit = limit;
  }
}
