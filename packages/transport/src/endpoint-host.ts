import type { Endpoint, EndpointSource } from './endpoint.js';
import { ConnectionError } from './errors.js';

/** The docker CLI's defaults when a `tcp://` address leaves out host or port. */
const DEFAULT_TCP_HOST = 'localhost';
const DEFAULT_TCP_PORT = 2375;
const DEFAULT_TLS_TCP_PORT = 2376;
/** The engine's default socket on Linux/macOS and its default named pipe on Windows. */
export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
export const DEFAULT_NAMED_PIPE = '\\\\.\\pipe\\docker_engine';

/**
 * A parsed engine address before TLS is decided: `tls` is `'required'` for `https://`,
 * otherwise the caller's TLS settings decide (only `tcp` endpoints ever use TLS).
 */
export type ParsedHost =
  | Extract<Endpoint, { kind: 'unix' | 'npipe' | 'ssh' }>
  | { kind: 'tcp'; host: string; port: number; source: EndpointSource; scheme: 'tcp' | 'http' | 'https' };

/**
 * Parses an engine address the way the docker CLI does (`opts.ParseHost`): surrounding blanks
 * trimmed; no scheme means `tcp` (or `unix` for a path starting with `/` or `./`); `tcp://`
 * defaults to `localhost:2375`; `unix://` and `npipe://` alone mean the default socket / pipe;
 * IPv6 literals in brackets. Beyond the CLI, `http://` (port 80 by default) and `https://`
 * (TLS, port 443 by default) are accepted, as the Engine API client library does.
 * Throws {@link ConnectionError} naming `what` (e.g. `DOCKER_HOST`) for anything else.
 *
 * @example
 * ```ts
 * parseHost('tcp://[::1]:2375', 'options', 'host'); // { kind: 'tcp', host: '::1', port: 2375, scheme: 'tcp', … }
 * ```
 */
export function parseHost(value: string, source: EndpointSource, what: string): ParsedHost {
  const trimmed = value.trim();
  const separator = trimmed.indexOf('://');
  let scheme: string;
  let rest: string;
  if (separator === -1) {
    rest = trimmed;
    scheme = rest.startsWith('/') || rest.startsWith('./') ? 'unix' : 'tcp';
  } else {
    scheme = trimmed.slice(0, separator).toLowerCase();
    rest = trimmed.slice(separator + 3);
  }
  const invalid = (why: string): ConnectionError =>
    new ConnectionError(`Invalid Docker host ${JSON.stringify(redact(value))} in ${what}: ${why}.`);

  switch (scheme) {
    case 'unix':
      if (rest.includes('://')) throw invalid('expected a unix socket path');
      return { kind: 'unix', socketPath: rest === '' ? DEFAULT_UNIX_SOCKET : rest, source };
    case 'npipe':
      if (rest.includes('://')) throw invalid('expected a named pipe path');
      return { kind: 'npipe', pipePath: rest === '' ? DEFAULT_NAMED_PIPE : rest.replaceAll('/', '\\'), source };
    case 'tcp':
    case 'http':
    case 'https': {
      const defaultPort = scheme === 'tcp' ? DEFAULT_TCP_PORT : scheme === 'http' ? 80 : 443;
      const { host, port } = parseHostPort(rest, defaultPort, invalid);
      return { kind: 'tcp', host, port, source, scheme };
    }
    case 'ssh':
      return parseSsh(trimmed, source, invalid);
    case 'fd':
      throw invalid('fd:// sockets are only meaningful inside the engine (socket activation); use unix:// instead');
    default:
      throw invalid(`unsupported scheme "${scheme}" (use unix://, npipe://, tcp://, http://, https:// or ssh://)`);
  }
}

/** The address the CLI uses when TLS is on and nothing names a host: `tcp://localhost:2376`. */
export function defaultTlsHost(source: EndpointSource): ParsedHost {
  return { kind: 'tcp', host: DEFAULT_TCP_HOST, port: DEFAULT_TLS_TCP_PORT, source, scheme: 'tcp' };
}

function parseHostPort(
  rest: string,
  defaultPort: number,
  invalid: (why: string) => ConnectionError,
): { host: string; port: number } {
  if (rest.includes('://')) throw invalid('expected host:port');
  // A path after the authority (a base path) is not supported: the engine API lives at the root.
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  if (slash !== -1 && rest.slice(slash) !== '/') throw invalid('a path after host:port is not supported');
  if (authority.includes('@')) throw invalid('credentials in a tcp address are not supported');
  const split = splitHostPort(authority, 'tcp://[::1]:2375', invalid);
  const host = split.host === '' ? DEFAULT_TCP_HOST : split.host;
  const { portText } = split;
  if (portText === '') return { host, port: defaultPort };
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw invalid(`"${portText}" is not a port number`);
  return { host, port: Number(portText) };
}

/**
 * Splits `host[:port]` or `[ipv6][:port]`; `portText` is '' without a port. A bare IPv6
 * address (more than one colon, no brackets) is refused with `example` showing the form.
 */
function splitHostPort(hostPort: string, example: string, invalid: (why: string) => ConnectionError): { host: string; portText: string } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw invalid('unclosed "[" in an IPv6 address');
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw invalid('expected ":port" after "]"');
    return { host: hostPort.slice(1, close), portText: after.slice(1) };
  }
  const colon = hostPort.indexOf(':');
  if (colon !== -1 && hostPort.lastIndexOf(':') !== colon) throw invalid(`an IPv6 address needs brackets, e.g. ${example}`);
  return colon === -1 ? { host: hostPort, portText: '' } : { host: hostPort.slice(0, colon), portText: hostPort.slice(colon + 1) };
}

function parseSsh(value: string, source: EndpointSource, invalid: (why: string) => ConnectionError): ParsedHost {
  // Parsed by hand rather than with WHATWG URL, which would rewrite IPv6 literals (`::0:0` → `::`).
  const rest = value.slice(value.indexOf('://') + 3);
  if (rest.includes('#')) throw invalid('fragments are not allowed');
  if (rest.includes('?')) throw invalid('query parameters are not allowed');
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? undefined : authority.slice(0, at);
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  if (userInfo?.includes(':')) throw invalid('a plain-text password is not supported (use keys or an ssh agent)');
  const { host, portText } = splitHostPort(hostPort, 'ssh://[::1]:22', invalid);
  if (host === '') throw invalid('the host name is empty');
  const endpoint: Extract<Endpoint, { kind: 'ssh' }> = { kind: 'ssh', host, source };
  if (userInfo !== undefined && userInfo !== '') endpoint.user = decodePart(userInfo, invalid);
  if (portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw invalid(`"${portText}" is not a port number`);
    endpoint.port = Number(portText);
  }
  const remotePath = decodePart(path, invalid);
  if (remotePath.replaceAll('/', '') !== '') endpoint.remoteSocketPath = remotePath;
  return endpoint;
}

function decodePart(text: string, invalid: (why: string) => ConnectionError): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid('bad percent-encoding');
  }
}

/** The address as it may appear in a message: any `user:password@` loses its password. */
function redact(value: string): string {
  return value.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}
