import type { Transport } from '@dockyard/transport';
import type { StreamOptions } from '../lazy-stream.js';
import { archivePath } from './archive-path.js';
import { ArchiveStream } from './archive-stream.js';

/**
 * `GET /containers/{id}/archive?path=…`: a tar of the path (a file, or a directory and all
 * below it, named by its base name). Returns at once; the request starts on the first read.
 * A missing container or path throws `NotFoundError` there.
 */
export function getArchive(transport: Transport, containerId: string, path: string, options: StreamOptions = {}): ArchiveStream {
  return new ArchiveStream(
    (signal) => transport.request({ method: 'GET', path: archivePath(containerId), query: { path }, signal, timeout: 0 }),
    options,
  );
}
