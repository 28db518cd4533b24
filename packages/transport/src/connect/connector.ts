import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { buildConnector } from 'undici';
import type { Endpoint } from '../endpoint.js';
import { type OpenSocketOptions, openSocket } from './open-socket.js';

/**
 * An undici connector (the `connect` option of `Agent`, `Pool` or `Client`) that opens every
 * connection with {@link openSocket}, whatever origin undici asks for: the endpoint decides
 * where the socket goes, so the origin can be any placeholder such as `http://docker`.
 * undici keeps the sockets alive and reuses them, so an ssh endpoint runs one ssh process per
 * pooled connection, not one per request.
 *
 * @example
 * ```ts
 * import { Client } from 'undici';
 * const client = new Client('http://docker', { connect: createConnector(resolveEndpoint()) });
 * const { body } = await client.request({ method: 'GET', path: '/_ping' });
 * ```
 */
export function createConnector(endpoint: Endpoint, options: OpenSocketOptions = {}): buildConnector.connector {
  return (_connectOptions, callback) => {
    openSocket(endpoint, options).then(
      // undici drives any Duplex through the net.Socket surface it uses (read, write, cork, destroy, ref/unref).
      (socket) => callback(null, noReconnectOnAbort(socket) as Socket),
      (error: Error) => callback(error, null),
    );
  };
}

/**
 * undici (7.x) aborts a running request by destroying its socket with an informational error
 * (`UND_ERR_INFO`, "aborted"); on that error its socket-close handler leaves the aborted
 * request at the head of the client's queue, sees it as pending and opens a new connection
 * for it, which then sits idle until the keep-alive timeout: a thousand aborted log followers
 * opened a thousand idle sockets. Reported as an ordinary socket error instead, the aborted
 * request is dropped and nothing reconnects. Every other destroy passes through unchanged.
 */
function noReconnectOnAbort<S extends Duplex>(socket: S): S {
  const destroy = socket.destroy.bind(socket);
  socket.destroy = (error?: Error): S => {
    const info = error as (Error & { code?: unknown }) | undefined;
    if (info?.code === 'UND_ERR_INFO' && info.message === 'aborted') {
      return destroy(Object.assign(new Error('The request was aborted; its connection is closed.'), { code: 'UND_ERR_SOCKET', cause: error }));
    }
    return destroy(error);
  };
  return socket;
}
