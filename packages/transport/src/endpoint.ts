/**
 * Where the engine is: the resolved, socket-level description of one Docker endpoint.
 * {@link resolveEndpoint} produces it; `openSocket` / `createConnector` consume it.
 */

/**
 * TLS material for a `tcp` endpoint. PEM strings or Buffers (never paths: the resolver reads
 * the files). Verification is on unless `rejectUnauthorized` is `false`.
 *
 * @example
 * ```ts
 * const tls: TlsOptions = { ca: readFileSync('ca.pem'), cert: readFileSync('cert.pem'), key: readFileSync('key.pem') };
 * ```
 */
export interface TlsOptions {
  /** Trusted CA certificate(s), PEM. Without it the system's roots apply. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate, PEM. */
  cert?: string | Buffer;
  /** Client private key, PEM. */
  key?: string | Buffer;
  /** SNI / name checked against the server certificate; defaults to the endpoint host. */
  servername?: string;
  /** Verify the server certificate (default `true`). */
  rejectUnauthorized?: boolean;
}

/** Which rule of the precedence chain chose an {@link Endpoint}. */
export type EndpointSource = 'options' | 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'config' | 'default';

/**
 * One engine endpoint. `tcp` covers `tcp://`, `http://` and `https://` (TLS when `tls` is set);
 * `ssh` is reached through `ssh … docker system dial-stdio`.
 */
export type Endpoint =
  | { kind: 'unix'; socketPath: string; source: EndpointSource }
  | { kind: 'npipe'; pipePath: string; source: EndpointSource }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsOptions; source: EndpointSource }
  | {
      kind: 'ssh';
      host: string;
      port?: number;
      user?: string;
      source: EndpointSource;
      /** Engine socket on the remote machine, from the URL path (`ssh://me@box/run/docker.sock`). */
      remoteSocketPath?: string;
      /** Extra `ssh` arguments placed before the destination (e.g. `['-F', 'my_ssh_config']`). */
      sshOptions?: string[];
    };

/**
 * Inputs of {@link resolveEndpoint}. Everything defaults to the running process (`process.env`,
 * `process.platform`, `os.homedir()`); tests pass them explicitly.
 */
export interface EndpointOptions {
  /** An explicit engine address (`unix://…`, `tcp://…`, `ssh://…`, …); beats every environment variable. */
  host?: string;
  /**
   * TLS for a `tcp://` host given here or in `DOCKER_HOST`: `true` reads `ca.pem`/`cert.pem`/`key.pem`
   * from `DOCKER_CERT_PATH` (default `$DOCKER_CONFIG`, else `~/.docker`) and verifies; an object is
   * used as given; `false` turns TLS off. Unset: `DOCKER_TLS_VERIFY` / `DOCKER_TLS` decide, as they
   * do for `docker -H`. Contexts bring their own TLS and ignore this.
   */
  tls?: TlsOptions | boolean;
  /** Environment to read (`DOCKER_HOST`, `DOCKER_TLS_VERIFY`, …); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Platform whose default socket applies; default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Home directory for `~/.docker`; default `os.homedir()`. */
  homeDir?: string;
  /**
   * The docker CLI's configuration directory (`config.json` with contexts and registry
   * credentials, the context store, the default `DOCKER_CERT_PATH`); default `$DOCKER_CONFIG`,
   * else `~/.docker`.
   */
  configDir?: string;
  /**
   * Extra arguments for the `ssh` command of an `ssh://` endpoint, placed before the destination
   * (e.g. `['-F', '/path/ssh_config']` or `['-i', 'key', '-o', 'UserKnownHostsFile=…']`).
   * The user's own ssh config, known_hosts and agent apply in any case.
   */
  sshOptions?: string[];
}

/**
 * The endpoint as a URL-like string for messages (`unix:///var/run/docker.sock`,
 * `tcp://[::1]:2375`, `ssh://me@host:22`). Never contains key material.
 */
export function describeEndpoint(endpoint: Endpoint): string {
  switch (endpoint.kind) {
    case 'unix':
      return `unix://${endpoint.socketPath}`;
    case 'npipe':
      return `npipe://${endpoint.pipePath.replaceAll('\\', '/')}`;
    case 'tcp':
      return `tcp://${hostForUrl(endpoint.host)}:${endpoint.port}`;
    case 'ssh': {
      const user = endpoint.user === undefined ? '' : `${endpoint.user}@`;
      const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
      return `ssh://${user}${hostForUrl(endpoint.host)}${port}`;
    }
  }
}

// IPv6 literals need brackets in a URL authority.
function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
