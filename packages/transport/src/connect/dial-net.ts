import net from 'node:net';
import tls from 'node:tls';
import type { Endpoint, TlsOptions } from '../endpoint.js';
import { connectionFailure } from './connection-failure.js';

type NetEndpoint = Extract<Endpoint, { kind: 'unix' | 'npipe' | 'tcp' }>;

/** Idle time before TCP keep-alive probes start, as moby's client dialer sets it. */
const TCP_KEEP_ALIVE_MS = 30_000;

/**
 * Opens a unix socket, named pipe (`net.connect` on the pipe path), TCP or TLS connection and
 * resolves once it is usable (after the TLS handshake for TLS). When `signal` aborts, the
 * socket is destroyed and the promise rejects with `signal.reason`.
 */
export function dialNet(endpoint: NetEndpoint, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const secure = endpoint.kind === 'tcp' && endpoint.tls !== undefined;
    let socket: net.Socket;
    try {
      socket = createSocket(endpoint);
    } catch (error) {
      // tls.connect throws synchronously on unusable key material (bad PEM, key/cert mismatch).
      reject(connectionFailure(endpoint, error, secure ? 'tls' : 'connect'));
      return;
    }
    let tcpConnected = false;

    const cleanup = (): void => {
      socket.off('connect', onConnect);
      socket.off('secureConnect', onReady);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onConnect = (): void => {
      tcpConnected = true;
      if (!secure) onReady();
    };
    function onReady(): void {
      cleanup();
      resolve(socket);
    }
    function onError(error: Error): void {
      cleanup();
      socket.destroy();
      // A failure after the TCP connect of a TLS socket belongs to the handshake.
      reject(connectionFailure(endpoint, error, secure && (tcpConnected || isTlsError(error)) ? 'tls' : 'connect'));
    }
    function onAbort(): void {
      cleanup();
      socket.destroy();
      reject(signal.reason);
    }

    socket.once('connect', onConnect);
    if (secure) socket.once('secureConnect', onReady);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function createSocket(endpoint: NetEndpoint): net.Socket {
  switch (endpoint.kind) {
    case 'unix':
      return net.connect({ path: endpoint.socketPath });
    case 'npipe':
      return net.connect({ path: endpoint.pipePath });
    case 'tcp': {
      const socket =
        endpoint.tls === undefined
          ? net.connect({ host: endpoint.host, port: endpoint.port })
          : tls.connect(tlsConnectOptions(endpoint.host, endpoint.port, endpoint.tls));
      // A quiet stream or exec across a NAT or firewall would otherwise die unnoticed; 30 s as moby.
      socket.setKeepAlive(true, TCP_KEEP_ALIVE_MS);
      return socket;
    }
  }
}

function tlsConnectOptions(host: string, port: number, options: TlsOptions): tls.ConnectionOptions {
  // SNI must not be an IP address (RFC 6066); the certificate check still uses `host`.
  const servername = options.servername ?? (net.isIP(host) === 0 ? host : undefined);
  return {
    host,
    port,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    servername,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  };
}

// Errors OpenSSL and Node's certificate checks raise, even when they arrive before `connect`.
function isTlsError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return (
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    code.startsWith('ERR_OSSL_')
  );
}
