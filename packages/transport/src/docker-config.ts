import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionError } from './errors.js';

/** The name the docker CLI gives to "no context": DOCKER_HOST / TLS variables / default socket. */
export const DEFAULT_CONTEXT_NAME = 'default';

/**
 * The docker CLI's configuration directory: `$DOCKER_CONFIG` (a directory, not a file) or
 * `~/.docker`. It holds `config.json`, the context store (`contexts/`) and is the default
 * `DOCKER_CERT_PATH`.
 */
export function dockerConfigDir(env: Record<string, string | undefined>, homeDir: string): string {
  const fromEnv = env.DOCKER_CONFIG;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homeDir, '.docker');
}

/**
 * `currentContext` from `<configDir>/config.json`, or `undefined` when the file, the field or
 * valid JSON is missing (the CLI then warns and goes on with an empty configuration).
 */
export function readCurrentContext(configDir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(configDir, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const value = field(parsed, 'currentContext');
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What a context store entry says about its `docker` endpoint. */
export interface DockerContextEndpoint {
  /** The context's name. */
  name: string;
  /** `Endpoints.docker.Host`; empty means the engine client's default socket. */
  host: string;
  /** `Endpoints.docker.SkipTLSVerify`. */
  skipTlsVerify: boolean;
  /** The context's TLS files (`contexts/tls/<id>/docker/`), when that directory exists. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** The meta.json that was read (for messages). */
  metaPath: string;
}

/** The context store's directory name for a context: the hex SHA-256 of its name. */
export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/**
 * Reads context `name` from the store under `<configDir>/contexts`: `meta/<id>/meta.json` and
 * the TLS files under `tls/<id>/docker/{ca,cert,key}.pem`. Throws {@link ConnectionError} when
 * the context does not exist or has no docker endpoint, as the CLI refuses to go on then.
 */
export function readContext(configDir: string, name: string): DockerContextEndpoint {
  const id = contextId(name);
  const metaPath = join(configDir, 'contexts', 'meta', id, 'meta.json');
  let text: string;
  try {
    text = readFileSync(metaPath, 'utf8');
  } catch (error) {
    throw new ConnectionError(
      `Docker context "${name}" does not exist (${metaPath} cannot be read). Run \`docker context ls\`, or unset DOCKER_CONTEXT / fix currentContext in ${join(configDir, 'config.json')}.`,
      { cause: error },
    );
  }
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (error) {
    throw new ConnectionError(`Docker context "${name}" is unreadable: ${metaPath} is not valid JSON.`, { cause: error });
  }
  const docker = field(field(meta, 'Endpoints'), 'docker');
  if (docker === undefined || docker === null || typeof docker !== 'object') {
    throw new ConnectionError(`Docker context "${name}" has no docker endpoint (${metaPath}).`);
  }
  const host = field(docker, 'Host');
  const skip = field(docker, 'SkipTLSVerify');
  const endpoint: DockerContextEndpoint = {
    name,
    host: typeof host === 'string' ? host : '',
    skipTlsVerify: skip === true,
    metaPath,
  };
  const tls = readContextTls(join(configDir, 'contexts', 'tls', id, 'docker'));
  if (tls !== undefined) endpoint.tls = tls;
  return endpoint;
}

// The CLI loads every file of the endpoint's TLS directory; only these three mean anything.
function readContextTls(dir: string): DockerContextEndpoint['tls'] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const tls: NonNullable<DockerContextEndpoint['tls']> = {};
  if (names.includes('ca.pem')) tls.ca = readFileSync(join(dir, 'ca.pem'));
  if (names.includes('cert.pem')) tls.cert = readFileSync(join(dir, 'cert.pem'));
  if (names.includes('key.pem')) tls.key = readFileSync(join(dir, 'key.pem'));
  return tls;
}

// Go's encoding/json matches object keys case-insensitively; so does this lookup.
function field(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}
