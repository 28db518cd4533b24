import type { ProgressMessage } from '@dockyard/stream';
import type { Transport } from '@dockyard/transport';
import { LazyStream, type StreamOptions } from '../lazy-stream.js';
import { ProgressStream, progressRequest } from '../progress-stream.js';

/** A tar archive's bytes, as `load` and `import` take them. */
export type TarSource = Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** What `load(…).done()` resolves with. */
export interface LoadResult {
  /** The references (or IDs) the engine said it loaded. */
  images: string[];
}

/** `images.import(source, options)`. */
export interface ImportOptions extends StreamOptions {
  /** Repository (and optional `:tag`) to give the imported image. */
  repo?: string;
  tag?: string;
  /** Dockerfile instructions to apply, e.g. `['CMD ["sh"]']`. */
  changes?: string[];
  message?: string;
  platform?: string;
}

/** What `import(…).done()` resolves with. */
export interface ImportResult {
  /** `sha256:…` of the imported image. */
  imageId: string | undefined;
}

/** `GET /images/get?names=…`: a tar of one or more images (with their tags), for `load` elsewhere. */
export function saveImages(transport: Transport, refs: string[], options: StreamOptions = {}): LazyStream<Uint8Array> {
  if (refs.length === 0) throw new TypeError('save needs at least one image reference.');
  return new LazyStream(async (signal) => {
    const res = await transport.request({ method: 'GET', path: '/images/get', query: { names: refs }, signal, timeout: 0 });
    return res.body;
  }, options);
}

const LOADED = /^Loaded image(?: ID)?: (.+)$/;

/** `POST /images/load`: loads a tar made by `save`; the progress says what was loaded. */
export function loadImages(transport: Transport, tar: TarSource, options: StreamOptions & { quiet?: boolean } = {}): ProgressStream<ProgressMessage, LoadResult> {
  const loaded: string[] = [];
  return new ProgressStream<ProgressMessage, LoadResult>(
    progressRequest(transport, {
      method: 'POST',
      path: '/images/load',
      query: { quiet: options.quiet },
      body: tar,
      headers: { 'Content-Type': 'application/x-tar' },
    }),
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
  return new ProgressStream<ProgressMessage, ImportResult>(
    progressRequest(transport, {
      method: 'POST',
      path: '/images/create',
      query: { fromSrc: '-', repo: options.repo, tag: options.tag, changes: options.changes, message: options.message, platform: options.platform },
      body: tar,
      headers: { 'Content-Type': 'application/x-tar' },
    }),
    ({ last }) => ({ imageId: last?.status?.match(/sha256:[0-9a-f]{64}/)?.[0] }),
    options,
  );
}
