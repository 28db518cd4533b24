import { type Endpoint, describeEndpoint } from '../endpoint.js';
import { ConnectionError } from '../errors.js';

/** Where in the dial an error happened: opening the socket, or the TLS handshake after it. */
export type ConnectPhase = 'connect' | 'tls';

const engineHint = 'Set DOCKER_HOST or a context to use another one.';

/**
 * Turns a low-level connect error (errno code, TLS failure) into a {@link ConnectionError}
 * whose message names the cause and what to check. `cause` stays the original error.
 * Messages carry paths and addresses only, never key material.
 */
export function connectionFailure(endpoint: Endpoint, error: unknown, phase: ConnectPhase = 'connect'): ConnectionError {
  const where = describeEndpoint(endpoint);
  const code = errorCode(error);
  const reason = errorReason(error);
  if (phase === 'tls') return tlsFailure(where, reason, error);
  const prefix = `Cannot connect to the Docker engine at ${where}`;
  switch (code) {
    case 'ENOENT':
      return new ConnectionError(
        endpoint.kind === 'npipe'
          ? `${prefix}: the named pipe does not exist. Is the engine running? ${engineHint}`
          : `${prefix}: the socket does not exist. Is the engine running? ${engineHint}`,
        { cause: error },
      );
    case 'EACCES':
    case 'EPERM':
      return new ConnectionError(
        `${prefix}: permission denied. Add your user to the docker group (or run as a user that may open the socket), or use another endpoint.`,
        { cause: error },
      );
    case 'ECONNREFUSED':
      return new ConnectionError(
        endpoint.kind === 'tcp'
          ? `${prefix}: connection refused. Is the engine listening there?`
          : `${prefix}: connection refused (a stale socket file?). Is the engine running?`,
        { cause: error },
      );
    case 'ENOTSOCK':
      return new ConnectionError(`${prefix}: the path is not a socket. ${engineHint}`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`${prefix}: the host name does not resolve (${code}). Check the host in DOCKER_HOST or the context.`, {
        cause: error,
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new ConnectionError(`${prefix}: the host is unreachable (${code}). Check the address and the network.`, { cause: error });
    case 'ECONNRESET':
    case 'EPIPE':
      return new ConnectionError(`${prefix}: the connection was closed while connecting (${code}). Is the endpoint a Docker engine?`, {
        cause: error,
      });
    default:
      return new ConnectionError(`${prefix}: ${reason}`, { cause: error });
  }
}

function tlsFailure(where: string, reason: string, error: unknown): ConnectionError {
  return new ConnectionError(
    `TLS handshake with ${where} failed: ${reason}. Check the CA, certificate and key (DOCKER_CERT_PATH, the context's TLS files or the tls option) and that the server certificate names this host.`,
    { cause: error },
  );
}

/** The `code` of a Node.js system or TLS error, when it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function errorReason(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCode(error);
    // OpenSSL errors carry a short `reason`; their message is a multi-line internal trace.
    const openSslReason = (error as { reason?: unknown }).reason;
    const text = typeof openSslReason === 'string' && openSslReason !== '' ? openSslReason : error.message.trim();
    return code !== undefined && !text.includes(code) ? `${text} (${code})` : text;
  }
  return String(error);
}
