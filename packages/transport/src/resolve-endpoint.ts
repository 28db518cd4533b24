import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONTEXT_NAME, dockerConfigDir, readContext, readCurrentContext } from './docker-config.js';
import type { Endpoint, EndpointOptions, EndpointSource, TlsOptions } from './endpoint.js';
import { DEFAULT_NAMED_PIPE, DEFAULT_UNIX_SOCKET, type ParsedHost, defaultTlsHost, parseHost } from './endpoint-host.js';
import { tlsFromCertPath, tlsFromContext, tlsFromEnv } from './endpoint-tls.js';

/**
 * Finds the engine the way the docker CLI does (`resolveContextName` and
 * `resolveDefaultDockerEndpoint` in docker/cli), first match wins:
 *
 * 1. `options.host` (like `docker -H`);
 * 2. `DOCKER_HOST` (non-empty) — a set DOCKER_HOST also makes the CLI ignore contexts;
 * 3. `DOCKER_CONTEXT` (non-empty, not `default`);
 * 4. `currentContext` of `$DOCKER_CONFIG/config.json` (not `default`), read from the
 *    context store `$DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json` with its TLS files
 *    under `contexts/tls/<sha256(name)>/docker/`;
 * 5. the default: `tcp://localhost:2376` when TLS is on (as the CLI does), otherwise
 *    `//./pipe/docker_engine` on Windows, else `/var/run/docker.sock`, or
 *    `~/.docker/run/docker.sock` when only that one exists (Docker Desktop).
 *
 * TLS for 1, 2 and 5 (tcp only): `options.tls` when given, else `DOCKER_TLS_VERIFY` /
 * `DOCKER_TLS` with the PEM files of `DOCKER_CERT_PATH` (default `$DOCKER_CONFIG` or
 * `~/.docker`). `https://` always means TLS; a port alone (2376) never does. Contexts carry
 * their own TLS and ignore the TLS variables. Reads files but does no network I/O; throws
 * `ConnectionError` for an invalid address, a missing context or unreadable TLS files.
 *
 * Where this differs from the docker CLI on purpose: a bare path (`/x.sock`, `./x.sock`) is a
 * unix socket as in CLI v29 (CLI 28 reads it as `tcp://localhost:2375/x.sock`); `http://` and
 * `https://` are accepted; a base path after `tcp://host:port` is refused; the
 * `~/.docker/run/docker.sock` fallback is dockyard's (Docker Desktop's per-user socket).
 *
 * @example
 * ```ts
 * resolveEndpoint();                                   // from process.env, ~/.docker, …
 * resolveEndpoint({ host: 'ssh://me@build-box' });     // { kind: 'ssh', host: 'build-box', user: 'me', … }
 * resolveEndpoint({ env: { DOCKER_HOST: 'tcp://[::1]:2375' } });
 * ```
 */
export function resolveEndpoint(options: EndpointOptions = {}): Endpoint {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const homeDir = options.homeDir ?? homedir();
  const configDir = options.configDir ?? dockerConfigDir(env, homeDir);
  const finish = (endpoint: Endpoint): Endpoint => withSshOptions(endpoint, options.sshOptions);
  // Explicit TLS beats the TLS variables, wherever the host came from (except contexts).
  const hostTls = (): TlsOptions | undefined =>
    options.tls === undefined ? tlsFromEnv(env, configDir) : explicitTls(options.tls, env, configDir);

  if (options.host !== undefined && options.host.trim() !== '') {
    return finish(applyTls(parseHost(options.host, 'options', 'the host option'), hostTls()));
  }
  const dockerHost = env.DOCKER_HOST;
  if (dockerHost !== undefined && dockerHost.trim() !== '') {
    return finish(applyTls(parseHost(dockerHost, 'DOCKER_HOST', 'DOCKER_HOST'), hostTls()));
  }

  const fromEnv = env.DOCKER_CONTEXT;
  const contextName = fromEnv !== undefined && fromEnv !== '' ? fromEnv : readCurrentContext(configDir);
  if (contextName !== undefined && contextName !== DEFAULT_CONTEXT_NAME) {
    const source: EndpointSource = fromEnv !== undefined && fromEnv !== '' ? 'DOCKER_CONTEXT' : 'config';
    const context = readContext(configDir, contextName);
    const parsed =
      context.host.trim() === ''
        ? platformDefault(platform, source)
        : parseHost(context.host, source, `the docker endpoint of context "${contextName}" (${context.metaPath})`);
    return finish(applyTls(parsed, tlsFromContext(context.tls, context.skipTlsVerify)));
  }

  const tls = hostTls();
  if (tls !== undefined) return finish(applyTls(defaultTlsHost('default'), tls));
  return defaultSocketEndpoint(platform, homeDir, existsSync);
}

/**
 * The local default engine socket: the named pipe `//./pipe/docker_engine` on Windows; else
 * `/var/run/docker.sock`, unless it is missing and `<homeDir>/.docker/run/docker.sock`
 * (Docker Desktop's per-user socket) exists.
 */
export function defaultSocketEndpoint(
  platform: NodeJS.Platform,
  homeDir: string,
  exists: (path: string) => boolean,
): Endpoint {
  if (platform === 'win32') return { kind: 'npipe', pipePath: DEFAULT_NAMED_PIPE, source: 'default' };
  const perUser = join(homeDir, '.docker', 'run', 'docker.sock');
  const socketPath = !exists(DEFAULT_UNIX_SOCKET) && exists(perUser) ? perUser : DEFAULT_UNIX_SOCKET;
  return { kind: 'unix', socketPath, source: 'default' };
}

// The client library's default for a context whose Host is empty.
function platformDefault(platform: NodeJS.Platform, source: EndpointSource): ParsedHost {
  return platform === 'win32'
    ? { kind: 'npipe', pipePath: DEFAULT_NAMED_PIPE, source }
    : { kind: 'unix', socketPath: DEFAULT_UNIX_SOCKET, source };
}

function explicitTls(tls: TlsOptions | boolean, env: Record<string, string | undefined>, configDir: string): TlsOptions | undefined {
  if (tls === false) return undefined;
  if (tls === true) return tlsFromCertPath(env, configDir, true);
  return tls;
}

// TLS only ever applies to TCP: sockets, pipes and ssh ignore it, as in the CLI.
function applyTls(parsed: ParsedHost, tls: TlsOptions | undefined): Endpoint {
  if (parsed.kind !== 'tcp') return parsed;
  const { scheme, ...endpoint } = parsed;
  if (scheme === 'http') return endpoint;
  if (scheme === 'https') return { ...endpoint, tls: tls ?? {} };
  return tls === undefined ? endpoint : { ...endpoint, tls };
}

function withSshOptions(endpoint: Endpoint, sshOptions: string[] | undefined): Endpoint {
  if (endpoint.kind !== 'ssh' || sshOptions === undefined || sshOptions.length === 0) return endpoint;
  return { ...endpoint, sshOptions: [...sshOptions] };
}
