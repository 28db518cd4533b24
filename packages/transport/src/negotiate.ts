import { DockerError } from './errors.js';

/** The newest Engine API version this client speaks. */
export const MAX_API_VERSION = '1.55';
/** The oldest Engine API version this client accepts (Docker 1.12). */
export const MIN_API_VERSION = '1.24';

/** The engine speaks an API older than {@link MIN_API_VERSION}. */
export class UnsupportedApiVersionError extends DockerError {
  static override readonly code: string = 'DOCKYARD_UNSUPPORTED_API_VERSION';
  /** The version the engine reported. */
  readonly serverVersion: string;
  constructor(serverVersion: string) {
    super(
      `The Docker engine's API version ${serverVersion} is too old: dockyard needs API ${MIN_API_VERSION} or newer (Docker 1.12+). Upgrade the engine.`,
    );
    this.serverVersion = serverVersion;
  }
}

const VERSION_PATTERN = /^v?(\d+)\.(\d+)$/;

/**
 * Parses `1.41` (or `v1.41`) into `[major, minor]`; `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseApiVersion('1.41'); // [1, 41]
 * ```
 */
export function parseApiVersion(version: string): [number, number] | undefined {
  const m = VERSION_PATTERN.exec(version.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2])];
}

/**
 * Compares two API versions numerically (`1.9` < `1.10`): negative, zero or positive.
 * Throws a `TypeError` for a string that is not `major.minor`.
 *
 * @example
 * ```ts
 * compareApiVersions('1.9', '1.10'); // < 0
 * ```
 */
export function compareApiVersions(a: string, b: string): number {
  const pa = parseApiVersion(a);
  const pb = parseApiVersion(b);
  if (!pa) throw new TypeError(`Not an API version: "${a}" (expected major.minor, e.g. 1.41)`);
  if (!pb) throw new TypeError(`Not an API version: "${b}" (expected major.minor, e.g. 1.41)`);
  return pa[0] - pb[0] || pa[1] - pb[1];
}

/** `major.minor` without a leading `v`; a `TypeError` for anything that is not a version. */
export function normalizeApiVersion(version: string): string {
  const parsed = parseApiVersion(version);
  if (!parsed) throw new TypeError(`Not an API version: "${version}" (expected major.minor, e.g. 1.41)`);
  return `${parsed[0]}.${parsed[1]}`;
}

/**
 * The version to speak with an engine that reported `serverVersion`: the lower of it and
 * {@link MAX_API_VERSION}. An engine below {@link MIN_API_VERSION} is an
 * {@link UnsupportedApiVersionError}; an engine that reports nothing is taken as the minimum,
 * as the docker CLI does.
 */
export function chooseApiVersion(serverVersion: string | undefined): string {
  if (serverVersion === undefined || serverVersion.trim() === '') return MIN_API_VERSION;
  const server = normalizeApiVersion(serverVersion);
  if (compareApiVersions(server, MIN_API_VERSION) < 0) throw new UnsupportedApiVersionError(server);
  return compareApiVersions(server, MAX_API_VERSION) < 0 ? server : MAX_API_VERSION;
}

/**
 * Lazy, single-flight version negotiation: the first {@link negotiate} pings, every call made
 * while that ping is in flight shares it, and the result is kept. A failed ping is not kept:
 * the next call pings again.
 */
export class ApiVersionNegotiator {
  #version: string | undefined;
  #pending: Promise<string> | undefined;
  readonly #ping: () => Promise<string | undefined>;

  /**
   * @param ping resolves the engine's `API-Version` (undefined when it sent none).
   * @param pinned a version to use without ever pinging.
   */
  constructor(ping: () => Promise<string | undefined>, pinned?: string) {
    this.#ping = ping;
    this.#version = pinned === undefined ? undefined : normalizeApiVersion(pinned);
  }

  /** The pinned or negotiated version, or `undefined` before negotiation finished. */
  get version(): string | undefined {
    return this.#version;
  }

  /** The version to use, pinging the engine the first time. */
  negotiate(): Promise<string> {
    if (this.#version !== undefined) return Promise.resolve(this.#version);
    this.#pending ??= this.#ping().then(
      (serverVersion) => {
        this.#pending = undefined;
        this.#version = chooseApiVersion(serverVersion);
        return this.#version;
      },
      (err: unknown) => {
        this.#pending = undefined;
        throw err;
      },
    );
    return this.#pending;
  }
}
