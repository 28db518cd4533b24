import type { Readable } from 'node:stream';
import { linkAbort } from '../abort-link.js';
import { type ResponseHead, ResponseHeadMissing, readResponseHead } from '../hijack/response-head-parser.js';
import type { ConnectionPool, PooledConnection } from './connection-pool.js';
import { buildRequestHead } from './request-head.js';
import { ResponseBody, framingOf } from './response-body.js';

/** Bytes of a streamed request body taken per chunk written (a chunk of the chunked coding). */
const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
/** Methods a stale keep-alive connection may be retried for: sending them twice does no harm. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** One HTTP/1.1 request on a pooled connection. */
export interface ExchangeRequest {
  method: string;
  /** The full request target: versioned path plus query string. */
  target: string;
  userAgent: string;
  headers?: Record<string, string> | undefined;
  body?: string | Uint8Array | Readable | AsyncIterable<Uint8Array> | undefined;
  contentType?: string | undefined;
  /** Aborts the exchange: its connection is closed (the caller maps the failure). */
  signal?: AbortSignal | undefined;
  /** Bytes of the body held unread before the socket is paused. */
  highWaterMark: number;
}

/** The response: its head, and its body read off the connection. */
export interface ExchangeResponse {
  head: ResponseHead;
  body: ResponseBody;
}

/**
 * Sends one request on a keep-alive connection of `pool` and resolves with the response head
 * and its body (internal). The connection goes back to the pool once the body was read to its
 * end (and the request body was all sent), and is closed when the body is given up, breaks,
 * or the engine asked to close it. A reused connection that the engine had closed meanwhile
 * fails before any answer; an idempotent request with a body that can be sent again is then
 * retried on another connection. Failures reject with the socket's own error (the transport
 * maps them into the `DockerError` family).
 */
export async function exchange(pool: ConnectionPool, req: ExchangeRequest): Promise<ExchangeResponse> {
  const replayable = req.body === undefined || typeof req.body === 'string' || req.body instanceof Uint8Array;
  for (;;) {
    const conn = await pool.acquire(req.signal);
    const reused = conn.reused;
    try {
      return await exchangeOn(pool, conn, req);
    } catch (err) {
      if (!(err instanceof StaleConnection)) throw err;
      if (!(reused && replayable && IDEMPOTENT.has(req.method)) || req.signal?.aborted) throw err.cause;
    }
  }
}

/** The connection failed before a byte of the answer arrived. */
class StaleConnection extends Error {}

async function exchangeOn(pool: ConnectionPool, conn: PooledConnection, req: ExchangeRequest): Promise<ExchangeResponse> {
  const { socket, reader } = conn;
  reader.highWaterMark = req.highWaterMark;
  let released = false;
  let unlink = (): void => {};
  const close = (): void => {
    if (released) return;
    released = true;
    unlink();
    pool.discard(conn);
  };
  unlink = linkAbort(req.signal, close);

  const body = req.body;
  const streamed = body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array);
  const head = buildRequestHead({
    method: req.method,
    target: req.target,
    userAgent: req.userAgent,
    headers: req.headers,
    contentType: req.contentType,
    contentLength: streamed ? 'chunked' : typeof body === 'string' ? Buffer.byteLength(body) : (body?.length ?? 0),
    upgrade: false,
  });
  let sent = !streamed;
  let bodyFailure: { error: unknown } | undefined;
  if (!streamed) {
    socket.write(body === undefined ? head : Buffer.concat([Buffer.from(head, 'latin1'), typeof body === 'string' ? Buffer.from(body) : body]));
  } else {
    socket.write(head);
    sendChunked(socket, body).then(
      () => {
        sent = true;
      },
      (error: unknown) => {
        // The caller's body failed (or the socket did): the request cannot complete.
        bodyFailure = { error };
        close();
      },
    );
  }

  let parsed: { head: ResponseHead; rest: Uint8Array };
  try {
    parsed = await readResponseHead(reader);
  } catch (err) {
    close();
    if (bodyFailure !== undefined) throw bodyFailure.error;
    throw err instanceof ResponseHeadMissing ? missingHead(err) : err;
  }

  const { head: response, rest } = parsed;
  const keepAlive = response.httpVersion === '1.1' && !/\bclose\b/i.test(response.headers.connection ?? '');
  const framing = framingOf(req.method, response);
  const responseBody = new ResponseBody(reader, framing, rest, {
    complete: (reusable) => {
      if (released) return;
      if (!(reusable && keepAlive && sent)) {
        close();
        return;
      }
      released = true;
      unlink();
      pool.release(conn);
    },
    abandon: close,
  });
  return { head: response, body: responseBody };
}

/**
 * The socket's own error for a head that never came whole (the transport maps it); one that
 * failed before any byte of an answer may be a stale keep-alive connection, so it is marked.
 */
function missingHead(err: ResponseHeadMissing): unknown {
  const cause = err.cause ?? Object.assign(new Error(err.message), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  return err.answered ? cause : new StaleConnection('no answer', { cause });
}

/** Writes a streamed body in the chunked coding, waiting for the socket to drain (backpressure). */
async function sendChunked(socket: NodeJS.WritableStream & { destroyed?: boolean }, body: Readable | AsyncIterable<Uint8Array>): Promise<void> {
  for await (const piece of body as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (bytes.length === 0) continue;
    if (socket.destroyed) throw Object.assign(new Error('The connection closed while the request body was being sent.'), { code: 'EPIPE' });
    socket.write(`${bytes.length.toString(16)}\r\n`, 'latin1');
    socket.write(bytes);
    if (!socket.write(CRLF)) await drained(socket);
  }
  socket.write(LAST_CHUNK);
}

function drained(socket: NodeJS.WritableStream & { destroyed?: boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      socket.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      socket.off('drain', onDrain);
      reject(Object.assign(new Error('The connection closed while the request body was being sent.'), { code: 'EPIPE' }));
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}
