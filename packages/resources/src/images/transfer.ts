import type { ProgressMessage } from '@dockyard/stream';
import type { Transport } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import type { ImageCreateQuery, ImageGetAllQuery, ImageLoadQuery } from '../generated/engine-api.js';
import type { LazyStream } from '../lazy-stream.js';
import { streamBytes, streamProgress } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';
import { needs } from '../operation/version-gate.js';
import type { ProgressStream } from '../progress-stream.js';

/** A tar archive's bytes, as `load` and `import` take them. */
export type TarSource = Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** What `load(…).done()` resolves with. */
export interface LoadResult {
  /** The references (or IDs) the engine said it loaded. */
  images: string[];
}

/** `images.save(refs, options)`: `platform` (JSON OCI platforms, API 1.48+). */
export interface SaveImagesOptions extends StreamOptions, Omit<QueryOptions<ImageGetAllQuery>, 'names'> {}

/** `images.load(tar, options)`: `quiet`, `platform` (JSON OCI platforms, API 1.48+). */
export interface LoadImagesOptions extends StreamOptions, QueryOptions<ImageLoadQuery> {}

/** `images.import(source, options)`: `repo` (and optional `:tag`), `tag`, `changes` (e.g. `['CMD ["sh"]']`), `message`, `platform`. */
export interface ImportOptions extends StreamOptions, Omit<QueryOptions<ImageCreateQuery>, 'fromImage' | 'fromSrc'> {}

/** What `import(…).done()` resolves with. */
export interface ImportResult {
  /** `sha256:…` of the imported image. */
  imageId: string | undefined;
}

const TAR = { 'Content-Type': 'application/x-tar' };

/** `GET /images/get?names=…`: a tar of one or more images (with their tags), for `load` elsewhere. */
export function saveImages(transport: Transport, refs: string[], options: SaveImagesOptions = {}): LazyStream<Uint8Array> {
  if (refs.length === 0) throw new TypeError('save needs at least one image reference.');
  return streamBytes(
    transport,
    { method: 'GET', path: '/images/get', query: { names: refs, platform: options.platform }, needs: needs(options, { platform: '1.48' }) },
    options,
  );
}

const LOADED = /^Loaded image(?: ID)?: (.+)$/;

/** `POST /images/load`: loads a tar made by `save`; the progress says what was loaded. */
export function loadImages(transport: Transport, tar: TarSource, options: LoadImagesOptions = {}): ProgressStream<ProgressMessage, LoadResult> {
  const loaded: string[] = [];
  return streamProgress<ProgressMessage, LoadResult>(
    transport,
    {
      method: 'POST',
      path: '/images/load',
      query: { quiet: options.quiet, platform: options.platform },
      body: tar,
      headers: TAR,
      needs: needs(options, { platform: '1.48' }),
    },
    () => ({ images: loaded }),
    {
      ...options,
      onMessage: (message) => {
        const match = message.stream?.trim().match(LOADED);
        if (match?.[1]) loaded.push(match[1]);
      },
    },
  );
}

/** `POST /images/create?fromSrc=-`: makes an image from a filesystem tar (as `export` gives). */
export function importImage(transport: Transport, tar: TarSource, options: ImportOptions = {}): ProgressStream<ProgressMessage, ImportResult> {
  const { repo, tag, changes, message, platform } = options;
  return streamProgress<ProgressMessage, ImportResult>(
    transport,
    { method: 'POST', path: '/images/create', query: { fromSrc: '-', repo, tag, changes, message, platform }, body: tar, headers: TAR },
    ({ last }) => ({ imageId: last?.status?.match(/sha256:[0-9a-f]{64}/)?.[0] }),
    options,
  );
}
