// Public surface of this package: re-exports only.
// Part A: where the engine is, and the sockets.
export type { Endpoint, EndpointOptions, EndpointSource, TlsOptions } from './endpoint.js';
export { describeEndpoint } from './endpoint.js';
export { defaultSocketEndpoint, resolveEndpoint } from './resolve-endpoint.js';
export { contextId, dockerConfigDir } from './docker-config.js';
export type { OpenSocketOptions } from './connect/open-socket.js';
export { openSocket } from './connect/open-socket.js';
export { createConnector } from './connect/connector.js';
export { sshArguments } from './connect/ssh.js';
// Part B: requests, version negotiation, errors, hijack.
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
export { type EngineKind, Transport, type HijackOptions, type RequestOptions, type TransportOptions } from './transport.js';
export type { TransportResponse } from './response.js';
export { encodeQuery, type Query, type QueryValue } from './query.js';
export { enginePath } from './request-path.js';
export { encodeBody, type EncodedBody } from './body.js';
export { engineErrorMessage, errorFromStatus, mapRequestError, type FailedRequest, type RequestError } from './error-mapping.js';
export {
  ApiVersionNegotiator,
  MAX_API_VERSION,
  MIN_API_VERSION,
  UnsupportedApiVersionError,
  chooseApiVersion,
  compareApiVersions,
  normalizeApiVersion,
  parseApiVersion,
} from './negotiate.js';
export { linkAbort } from './abort-link.js';
export { DEFAULT_USER_AGENT, TRANSPORT_VERSION } from './user-agent.js';
export type { HijackedConnection } from './hijack/hijacked-connection.js';
export { hijackSocket, mediaTypeOf, type HijackOnSocket } from './hijack/hijack.js';
export { MalformedResponseError, ResponseHeadTooLargeError } from './hijack/protocol-errors.js';
export {
  DEFAULT_MAX_HEAD_BYTES,
  ResponseHeadParser,
  type ParsedHead,
  type ResponseHead,
} from './hijack/response-head-parser.js';
