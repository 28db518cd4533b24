import type { ProgressMessage } from '@dockyard/stream';
import type { Transport } from '@dockyard/transport';
import { registryAuthHeader } from '../auth/auth-header.js';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';
import type { RegistryAuth } from '../auth/registry-auth.js';
import { buildImage } from '../build/build.js';
import type { BuildMessage, BuildOptions, BuildResult } from '../build/build-options.js';
import type { CallOptions, StreamOptions } from '../call-options.js';
import type { ImageCreateQuery, ImageListQuery, ImagePruneQuery, ImagePruneResponse, ImageSearchQuery, ImageSearchResponse, ImageSummary } from '../generated/engine-api.js';
import type { LazyStream } from '../lazy-stream.js';
import { callJson, streamProgress } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';
import { needs } from '../operation/version-gate.js';
import type { ProgressStream } from '../progress-stream.js';
import { Image } from './image.js';
import { type PushOptions, type PushResult, pushImage } from './push.js';
import { formatReference, parseReference } from './reference.js';
import {
  type ImportOptions,
  type ImportResult,
  type LoadImagesOptions,
  type LoadResult,
  type SaveImagesOptions,
  type TarSource,
  importImage,
  loadImages,
  saveImages,
} from './transfer.js';
import { type DistributionOptions, distributionInspect } from './distribution.js';
import type { DistributionInspectResponse } from '../generated/engine-api.js';

/**
 * `docker.images.pull(ref, options)`: `platform` (`os[/arch[/variant]]`); `fromImage` and
 * `tag` come from the reference (the other `ImageCreateQuery` parameters are `import`'s).
 */
export interface PullOptions extends StreamOptions, Pick<QueryOptions<ImageCreateQuery>, 'platform'> {
  /** Registry credentials; omitted, they come from `$DOCKER_CONFIG/config.json` as the CLI finds them. */
  auth?: RegistryAuth;
}

/** What `pull(…).done()` resolves with. */
export interface PullResult {
  /** The reference that was pulled: `repository:tag` or `repository@digest`. */
  reference: string;
  /** The digest the registry reported, when it did. */
  digest: string | undefined;
}

/**
 * `docker.images.list(options)`: `all`, `filters`, `digests`; `shared-size` (API 1.42+),
 * `manifests` (1.47+), `identity` (1.52+).
 */
export interface ListImagesOptions extends CallOptions, QueryOptions<ImageListQuery> {}

/** `docker.images.prune(options)`: `filters` (`dangling`, `until`, `label`). */
export interface PruneImagesOptions extends CallOptions, QueryOptions<ImagePruneQuery> {}

/** `docker.images.search(term, options)`: `limit`, `filters`. */
export interface SearchImagesOptions extends CallOptions, Omit<QueryOptions<ImageSearchQuery>, 'term'> {}

/**
 * `docker.images`: pull, list, prune, and lazy handles on images.
 *
 * @example
 * ```ts
 * await docker.images.pull('127.0.0.1:5000/busybox:1', { auth: { username, password } }).done();
 * ```
 */
export class Images {
  readonly #transport: Transport;
  readonly #store: CredentialStoreOptions;

  /** @internal Use `docker.images`. */
  constructor(transport: Transport, store: CredentialStoreOptions = {}) {
    this.#transport = transport;
    this.#store = store;
  }

  /** A lazy handle on an image by reference or ID. */
  get(ref: string): Image {
    return new Image(this.#transport, ref, this.#store);
  }

  /**
   * `POST /images/create?fromImage=…&tag=…`: pulls exactly the tag (or digest) named; a
   * reference without one pulls `latest`.
   */
  pull(ref: string, options: PullOptions = {}): ProgressStream<ProgressMessage, PullResult> {
    const parsed = parseReference(ref);
    let digest: string | undefined;
    return streamProgress<ProgressMessage, PullResult>(
      this.#transport,
      async () => ({
        method: 'POST',
        path: '/images/create',
        query: {
          fromImage: parsed.digest ? formatReference(parsed) : parsed.repository,
          tag: parsed.digest ? undefined : parsed.tag,
          platform: options.platform,
        },
        headers: await registryAuthHeader(ref, options.auth, this.#store),
      }),
      () => ({ reference: formatReference(parsed), digest: digest ?? parsed.digest }),
      {
        ...options,
        // The engine reports the manifest digest in a `Digest: sha256:…` status line.
        onMessage: (message) => {
          digest = message.status?.match(/^Digest: (sha256:[0-9a-f]{64})/)?.[1] ?? digest;
        },
      },
    );
  }

  /** `POST /images/{name}/push?tag=…`: a progress stream whose `done()` resolves with the pushed digest. */
  push(ref: string, options: PushOptions = {}): ProgressStream<ProgressMessage, PushResult> {
    return pushImage(this.#transport, ref, options, this.#store);
  }

  /**
   * `POST /build`: builds from a context directory (packed honouring `.dockerignore`) or a tar
   * stream; `done()` resolves with the image ID, or rejects with the failing step's message.
   *
   * @example
   * ```ts
   * const build = docker.images.build({ context: './app', tag: 'app:2', buildargs: { V: '1' } });
   * for await (const step of build) process.stdout.write(step.stream ?? '');
   * const { imageId } = await build.done();
   * ```
   */
  build(options: BuildOptions): ProgressStream<BuildMessage, BuildResult> {
    return buildImage(this.#transport, options, this.#store);
  }

  /** `GET /distribution/{name}/json`: the manifest digest and platforms of `ref` in its registry, without pulling. */
  distribution(ref: string, options: DistributionOptions = {}): Promise<DistributionInspectResponse> {
    return distributionInspect(this.#transport, ref, options, this.#store);
  }

  /** `GET /images/get`: one or more images as a tar (tags included), for `load`. */
  save(refs: string | string[], options: SaveImagesOptions = {}): LazyStream<Uint8Array> {
    return saveImages(this.#transport, Array.isArray(refs) ? refs : [refs], options);
  }

  /** `POST /images/load`: loads a tar made by `save`; `done()` says which images it loaded. */
  load(tar: TarSource, options: LoadImagesOptions = {}): ProgressStream<ProgressMessage, LoadResult> {
    return loadImages(this.#transport, tar, options);
  }

  /** `POST /images/create?fromSrc=-`: an image from a filesystem tar (as `container.export()` gives). */
  import(tar: TarSource, options: ImportOptions = {}): ProgressStream<ProgressMessage, ImportResult> {
    return importImage(this.#transport, tar, options);
  }

  /**
   * `GET /images/search?term=…`: searches the registry index (Docker Hub) the engine is
   * configured with. Without a reachable index the engine's error (naming the index) is thrown.
   */
  search(term: string, options: SearchImagesOptions = {}): Promise<ImageSearchResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/images/search', query: { term, limit: options.limit, filters: options.filters } }, options);
  }

  /** `GET /images/json`: the images, as an array. */
  list(options: ListImagesOptions = {}): Promise<ImageSummary[]> {
    const { all, filters, digests, manifests, identity } = options;
    return callJson(
      this.#transport,
      {
        method: 'GET',
        path: '/images/json',
        query: { all, filters, digests, 'shared-size': options['shared-size'], manifests, identity },
        needs: needs(options, { 'shared-size': '1.42', manifests: '1.47', identity: '1.52' }),
      },
      options,
    );
  }

  /** `POST /images/prune`: removes dangling (or, with `filters: { dangling: ['false'] }`, unused) images. */
  prune(options: PruneImagesOptions = {}): Promise<ImagePruneResponse> {
    return callJson(this.#transport, { method: 'POST', path: '/images/prune', query: { filters: options.filters } }, options);
  }
}
