import { type Chunk, demuxFrames, rawChunks } from '@dockyard/stream';
import { compareApiVersions } from '@dockyard/transport';

/** How an output stream is framed: 8-byte-header frames, or raw TTY bytes. */
export type Framing = 'multiplexed' | 'raw';

const MULTIPLEXED_TYPE = 'application/vnd.docker.multiplexed-stream';
const RAW_TYPE = 'application/vnd.docker.raw-stream';

/** True when API version `version` is `min` or newer (numeric compare: 1.9 < 1.10). */
export function apiAtLeast(version: string | undefined, min: string): boolean {
  return version !== undefined && compareApiVersions(version, min) >= 0;
}

/**
 * The framing a response's `Content-Type` states, when it can be trusted: only from API
 * 1.42 on does the engine tell multiplexed from raw there; below, it says raw for both.
 */
export function framingFromContentType(contentType: string | string[] | undefined, apiVersion: string | undefined): Framing | undefined {
  if (!apiAtLeast(apiVersion, '1.42')) return undefined;
  const type = (Array.isArray(contentType) ? contentType[0] : contentType)?.split(';')[0]?.trim();
  if (type === MULTIPLEXED_TYPE) return 'multiplexed';
  if (type === RAW_TYPE) return 'raw';
  return undefined;
}

/**
 * Typed chunks out of an output byte stream of the given framing. `timestamped`: the engine
 * wrote a timestamp before every log message (`timestamps=1`); framed, it is split off into
 * `Chunk.timestamp`; raw (TTY), the stream has no message boundaries and it stays in the bytes.
 */
export function chunksOf(bytes: AsyncIterable<Uint8Array>, framing: Framing, timestamped = false): AsyncIterableIterator<Chunk> {
  return framing === 'multiplexed' ? demuxFrames(bytes, { timestamps: timestamped }) : rawChunks(bytes);
}
