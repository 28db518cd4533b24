import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { type Transport, enginePath } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type { PutContainerArchiveQuery } from '../generated/engine-api.js';
import { callUnit } from '../operation/handlers.js';
import { ArchiveSourceError } from './errors.js';

/**
 * What `putArchive` sends: a string is the path of a local **directory**, whose contents are
 * packed with tar-fs (symlinks kept as links, not followed); anything else is a tar archive
 * already: bytes, an `AsyncIterable` of bytes, or a Node readable stream.
 */
export type ArchiveSource = string | Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/**
 * `container.putArchive(path, source, options)`: the parameters of `PutContainerArchiveQuery`
 * besides `path`, as booleans (the spec types them as strings). No deadline unless `timeout`
 * is set: the engine answers once it has unpacked everything.
 */
export interface PutArchiveOptions extends CallOptions, Partial<Record<Exclude<keyof PutContainerArchiveQuery, 'path'>, boolean>> {
  /** Fail (the engine's error) rather than replace a directory with a non-directory or the reverse. */
  noOverwriteDirNonDir?: boolean;
  /** Give the files the archive's UID/GID (mapped to the container's users) instead of root's. */
  copyUIDGID?: boolean;
}

/**
 * `PUT /containers/{id}/archive?path=…`: extracts a tar archive into the directory `path` of
 * the container, which must exist. A directory given as `source` is packed with its contents
 * at the top, so `putArchive('/data', './site')` makes `./site/index.html` `/data/index.html`.
 */
export async function putArchive(
  transport: Transport,
  containerId: string,
  path: string,
  source: ArchiveSource,
  options: PutArchiveOptions = {},
): Promise<void> {
  const body = typeof source === 'string' ? await packDirectory(source) : tarBody(source);
  await callUnit(
    transport,
    {
      method: 'PUT',
      path: enginePath`/containers/${containerId}/archive`,
      query: { path, noOverwriteDirNonDir: options.noOverwriteDirNonDir, copyUIDGID: options.copyUIDGID },
      headers: { 'content-type': 'application/x-tar' },
      body,
      slow: true,
    },
    options,
  );
}

async function packDirectory(dir: string): Promise<AsyncIterable<Uint8Array>> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (err) {
    throw new ArchiveSourceError(`Cannot pack ${dir} for putArchive: ${(err as Error).message}. A string source is the path of a local directory.`, { cause: err });
  }
  if (!isDirectory) {
    throw new ArchiveSourceError(`Cannot pack ${dir} for putArchive: it is not a directory. A string source is the path of a local directory; pass a file's tar as bytes or a stream.`);
  }
  return packed(dir);
}

async function* packed(dir: string): AsyncGenerator<Uint8Array> {
  // Loaded here, not with the package: only putArchive of a directory pays for it.
  const { default: tarFs } = await import('tar-fs');
  const pack = tarFs.pack(dir, { dereference: false });
  try {
    for await (const chunk of pack) yield chunk;
  } catch (err) {
    throw new ArchiveSourceError(`Packing the directory ${dir} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    pack.destroy();
  }
}

function tarBody(source: Exclude<ArchiveSource, string>): Uint8Array | Readable | AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array || source instanceof Readable) return source;
  if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source) return source as AsyncIterable<Uint8Array>;
  throw new ArchiveSourceError('putArchive takes a directory path, tar bytes (Uint8Array), an AsyncIterable of bytes or a readable stream.');
}
