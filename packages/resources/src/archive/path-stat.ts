import { DockerError, NotFoundError, type Transport, engineErrorMessage, enginePath } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import { callResponse } from '../operation/handlers.js';

/** The response header that carries a {@link PathStat}, base64-encoded JSON. */
export const PATH_STAT_HEADER = 'x-docker-container-path-stat';

/**
 * What the engine says about a path in a container (the `X-Docker-Container-Path-Stat`
 * header), field for field as it sends it.
 */
export interface PathStat {
  /** The base name, e.g. `data` for `/srv/data`. */
  name: string;
  /** Size in bytes (of the directory entry itself, for a directory). */
  size: number;
  /**
   * Go's `os.FileMode`: permission bits in `0o777`, type bits above them (directory
   * `1 << 31`, symlink `1 << 27`, ...).
   */
  mode: number;
  /** Modification time, RFC 3339 with nanoseconds as the engine sends it. */
  mtime: string;
  /** The link's target, as the engine resolved it, for a symlink; else `''`. */
  linkTarget: string;
}

/**
 * Decodes the `X-Docker-Container-Path-Stat` header value. Throws a {@link DockerError} when it
 * is missing or is not base64 of the JSON object the engine sends.
 *
 * @example
 * ```ts
 * decodePathStat(res.headers['x-docker-container-path-stat']).mode & 0o777;
 * ```
 */
export function decodePathStat(header: string | string[] | undefined): PathStat {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') throw new DockerError('The engine sent no X-Docker-Container-Path-Stat header.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch (err) {
    throw new DockerError(`The X-Docker-Container-Path-Stat header is not base64 of JSON: ${JSON.stringify(value)}`, { cause: err });
  }
  const stat = parsed as Partial<Record<keyof PathStat, unknown>> | null;
  if (
    typeof stat !== 'object' ||
    stat === null ||
    typeof stat.name !== 'string' ||
    typeof stat.size !== 'number' ||
    typeof stat.mode !== 'number' ||
    typeof stat.mtime !== 'string' ||
    (stat.linkTarget !== undefined && typeof stat.linkTarget !== 'string')
  ) {
    throw new DockerError(`The X-Docker-Container-Path-Stat header does not describe a path: ${JSON.stringify(parsed)}`);
  }
  return { name: stat.name, size: stat.size, mode: stat.mode, mtime: stat.mtime, linkTarget: (stat.linkTarget as string | undefined) ?? '' };
}

/**
 * `HEAD /containers/{id}/archive?path=…`: what the engine knows about one path in the
 * container. A missing container or path throws `NotFoundError` ("No such container:path: …").
 */
export async function statPath(transport: Transport, containerId: string, path: string, options: CallOptions = {}): Promise<PathStat> {
  let headers: Record<string, string | string[] | undefined>;
  try {
    headers = await callResponse(transport, { method: 'HEAD', path: enginePath`/containers/${containerId}/archive`, query: { path } }, options, async (res) => {
      await res.dump();
      return res.headers;
    });
  } catch (err) {
    throw withPathMessage(err, containerId, path);
  }
  return decodePathStat(headers[PATH_STAT_HEADER]);
}

// A HEAD answer has no body, so the engine's message is lost: say which container and path.
function withPathMessage(err: unknown, containerId: string, path: string): unknown {
  if (!(err instanceof DockerError) || err.statusCode === undefined) return err;
  const request = (err as { request?: unknown }).request;
  // Only the transport's "no message" sentence is replaced; an engine message stays verbatim.
  if (typeof request !== 'string' || err.message !== engineErrorMessage(err.statusCode, '', request)) return err;
  const message =
    err instanceof NotFoundError
      ? `No such container:path: ${containerId}:${path}`
      : `The engine answered HTTP ${err.statusCode} for the path ${path} in container ${containerId}.`;
  const ErrorClass = err.constructor as new (message: string, options: { statusCode?: number; cause?: unknown }) => DockerError;
  const mapped = new ErrorClass(message, { statusCode: err.statusCode, cause: err });
  Object.defineProperty(mapped, 'request', { value: request, enumerable: false, configurable: true });
  return mapped;
}
