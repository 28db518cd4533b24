import type { Socket } from 'node:net';
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
      (socket) => callback(null, socket as Socket),
      (error: Error) => callback(error, null),
    );
  };
}
