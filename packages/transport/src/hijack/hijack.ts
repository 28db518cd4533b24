import type { Duplex } from 'node:stream';
import { linkAbort } from '../abort-link.js';
import { errorFromStatus } from '../error-mapping.js';
import { AbortError, ConnectionError } from '../errors.js';
import { compareApiVersions } from '../negotiate.js';
import { readResponseBody } from './error-body.js';
import { type HijackedConnection, SocketHijackedConnection } from './hijacked-connection.js';
import { buildRequestHead } from '../http/request-head.js';
import { readStream } from '../read-stream.js';
import { DEFAULT_MAX_HEAD_BYTES, type ParsedHead, ResponseHeadMissing, readResponseHead } from './response-head-parser.js';

/** One hijack request on a socket that nothing else uses. */
export interface HijackOnSocket {
  socket: Duplex;
  method: string;
  /** The full request target: versioned path plus query string. */
  target: string;
  /** The path as the caller gave it (unversioned, no query), for messages. */
  path: string;
  userAgent: string;
  headers?: Record<string, string> | undefined;
  body?: string | Uint8Array | undefined;
  contentType?: string | undefined;
  signal?: AbortSignal | undefined;
  /** The API version in use: below 1.42 a raw-stream `Content-Type` does not mean raw. */
  apiVersion?: string | undefined;
  /** Bound on the response header block (default 64 KiB). */
  maxHeadBytes?: number;
}

const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
const RAW = 'application/vnd.docker.raw-stream';

/**
 * Sends a hijack request (`Connection: Upgrade`, `Upgrade: tcp`) on `socket`, reads the
 * response head with dockyard's own parser and returns the connection: `101` and `200` are
 * hijacked (bytes read past the head come first on `output`), any other status reads the
 * body and throws the mapped `DockerError`. The socket is destroyed on every failure.
 */
export async function hijackSocket(options: HijackOnSocket): Promise<HijackedConnection> {
  const { socket, signal } = options;
  const request = `${options.method} ${options.path}`;
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const head = buildRequestHead({
    method: options.method,
    target: options.target,
    userAgent: options.userAgent,
    headers: options.headers,
    contentType: options.contentType,
    contentLength: body?.length ?? 0,
    upgrade: true,
  });

  if (signal?.aborted) {
    socket.destroy();
    throw new AbortError(`${request} was aborted.`, { cause: signal.reason });
  }
  // linkAbort: one listener on a signal that many hijacks may share.
  const unlink = linkAbort(signal, () => socket.destroy());
  socket.once('close', unlink);

  // Failures surface through the reader below, never as an unhandled 'error' event.
  socket.on('error', ignore);
  const reader = readStream(socket);
  let parsed: ParsedHead;
  try {
    socket.write(body === undefined || body.length === 0 ? head : Buffer.concat([Buffer.from(head, 'latin1'), body]));
    parsed = await readResponseHead(reader, options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES);
  } catch (err) {
    socket.destroy();
    if (signal?.aborted) throw new AbortError(`${request} was aborted.`, { cause: signal.reason });
    throw err instanceof ResponseHeadMissing ? missingHead(err, request) : err;
  }

  const { statusCode, headers } = parsed.head;
  if (statusCode !== 101 && statusCode !== 200) {
    const errorBody = await readResponseBody(parsed.head, parsed.rest, reader);
    socket.destroy();
    if (signal?.aborted) throw new AbortError(`${request} was aborted.`, { cause: signal.reason });
    throw errorFromStatus(statusCode, errorBody.toString('utf8'), request);
  }

  const lengthHeader = headers['content-length'];
  const contentLength = statusCode === 200 && lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  return new SocketHijackedConnection({
    socket,
    reader,
    leftover: parsed.rest,
    contentLength,
    statusCode,
    headers,
    mediaType: mediaTypeOf(headers['content-type'], options.apiVersion),
    request,
    signal,
  });
}

/**
 * `multiplexed` or `raw` from the response `Content-Type`; `unknown` for a raw-stream type
 * below API 1.42 (engines before it send raw-stream even for multiplexed output) or any
 * other type.
 */
export function mediaTypeOf(contentType: string | undefined, apiVersion: string | undefined): HijackedConnection['mediaType'] {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === MULTIPLEXED) return 'multiplexed';
  if (type === RAW && apiVersion !== undefined && compareApiVersions(apiVersion, '1.42') >= 0) return 'raw';
  return 'unknown';
}

/** The hijack's own words for a connection that failed or ended before the response head. */
function missingHead(err: ResponseHeadMissing, request: string): ConnectionError {
  if (err.cause !== undefined) {
    return new ConnectionError(`The connection to the engine broke before the response to ${request} arrived: ${(err.cause as Error).message}`, {
      cause: err.cause,
    });
  }
  return new ConnectionError(
    err.answered ? `The engine closed the connection in the middle of the response headers for ${request}.` : `The engine closed the connection without answering ${request}.`,
  );
}

function ignore(): void {}
