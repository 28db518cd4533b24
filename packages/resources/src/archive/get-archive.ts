import { type Transport, enginePath } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import { openStream } from '../operation/handlers.js';
import { ArchiveStream } from './archive-stream.js';

/**
 * `GET /containers/{id}/archive?path=…`: a tar of the path (a file, or a directory and all
 * below it, named by its base name). Returns at once; the request starts on the first read.
 * A missing container or path throws `NotFoundError` there.
 */
export function getArchive(transport: Transport, containerId: string, path: string, options: StreamOptions = {}): ArchiveStream {
  return new ArchiveStream(
    (signal) => openStream(transport, { method: 'GET', path: enginePath`/containers/${containerId}/archive`, query: { path } }, options, signal),
    options,
  );
}
