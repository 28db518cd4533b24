// Public surface of this package: re-exports only.
// Where the engine is, and the sockets.
export type { Endpoint, EndpointOptions, EndpointSource, TlsOptions } from './endpoint.js';
export { describeEndpoint } from './endpoint.js';
export { defaultSocketEndpoint, resolveEndpoint } from './resolve-endpoint.js';
export type { OpenSocketOptions } from './connect/open-socket.js';
export { openSocket } from './connect/open-socket.js';
export { createConnector } from './connect/connector.js';
// Requests, hijacks, version negotiation.
export { type EngineKind, Transport, type HijackOptions, type RequestOptions, type TransportOptions } from './transport.js';
export type { TransportResponse } from './response.js';
export type { HijackedConnection } from './hijack/hijacked-connection.js';
export type { Query, QueryValue } from './query.js';
export { enginePath } from './request-path.js';
export { MAX_API_VERSION, MIN_API_VERSION, UnsupportedApiVersionError } from './negotiate.js';
export { linkAbort } from './abort-link.js';
export { DEFAULT_USER_AGENT, TRANSPORT_VERSION } from './user-agent.js';
// Errors.
export {
  AbortError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  DOCKER_ERROR_BRAND,
  DockerError,
  type DockerErrorOptions,
  ForbiddenError,
  NotFoundError,
  NotModifiedError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from './errors.js';
export type { RequestError } from './error-mapping.js';
export { MalformedResponseError, ResponseHeadTooLargeError } from './hijack/protocol-errors.js';

// Internal: for dockyard's own packages (dockyard, @dockyard/stream, ship, cli) only. Not part
// of the public API: they may change or go in any release. Everything else of this package's
// insides (body and query encoding, error mapping, the negotiator, the hijack parser, ssh
// arguments) is not exported at all; its tests import the modules directly.
export { compareApiVersions } from './negotiate.js';
export { dockerConfigDir } from './docker-config.js';
export { engineErrorMessage } from './error-mapping.js';
export { encodeQuery } from './query.js';
export { CallDeadline } from './call-deadline.js';
export { mediaTypeOf } from './hijack/hijack.js';
