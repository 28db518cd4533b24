import type { Duplex } from 'node:stream';
import { linkAbort } from '../abort-link.js';
import { type Endpoint, describeEndpoint } from '../endpoint.js';
import { AbortError, TimeoutError } from '../errors.js';
import { dialNet } from './dial-net.js';
import { dialSsh } from './ssh.js';

/** Options of {@link openSocket} and `createConnector`. */
export interface OpenSocketOptions {
  /** Milliseconds to wait for the connection (and TLS handshake); no limit when unset or 0. */
  connectTimeout?: number;
  /** Aborts the connect attempt: the socket is closed and the promise rejects with `AbortError`. */
  signal?: AbortSignal;
}

/**
 * Opens one connected socket to `endpoint`: a unix socket, a named pipe, TCP, TLS (resolved
 * after the handshake), or for ssh a Duplex over `ssh … docker system dial-stdio` that kills
 * ssh on destroy (for ssh it resolves once the process runs: a failed login fails the first
 * request with ssh's stderr). Rejects with `ConnectionError` (the cause and what to check),
 * `TimeoutError` (`connectTimeout` ran out) or `AbortError` (`signal` fired).
 *
 * @example
 * ```ts
 * const socket = await openSocket(resolveEndpoint(), { connectTimeout: 5_000 });
 * socket.end('GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n');
 * ```
 */
export async function openSocket(endpoint: Endpoint, options: OpenSocketOptions = {}): Promise<Duplex> {
  const { connectTimeout, signal } = options;
  const where = describeEndpoint(endpoint);
  if (signal?.aborted) throw new AbortError(`Connecting to ${where} was aborted.`, { cause: signal.reason });

  const attempt = new AbortController();
  // linkAbort: one listener on a signal that many calls may share.
  const unlink = linkAbort(signal, (reason) => attempt.abort(new AbortError(`Connecting to ${where} was aborted.`, { cause: reason })));
  const timer =
    connectTimeout !== undefined && connectTimeout > 0
      ? setTimeout(() => {
          attempt.abort(
            new TimeoutError(`Connecting to the Docker engine at ${where} timed out after ${connectTimeout} ms. Is the address right and reachable?`),
          );
        }, connectTimeout)
      : undefined;
  try {
    return endpoint.kind === 'ssh' ? await dialSsh(endpoint, attempt.signal, connectTimeout) : await dialNet(endpoint, attempt.signal);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    unlink();
  }
}
