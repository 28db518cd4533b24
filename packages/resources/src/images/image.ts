import type { ProgressMessage } from '@dockyard/stream';
import { type Transport, enginePath } from '@dockyard/transport';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';
import type { CallOptions, StreamOptions } from '../call-options.js';
import type {
  ImageAttestationsQuery,
  ImageAttestationsResponse,
  ImageDeleteQuery,
  ImageDeleteResponseItem,
  ImageGetQuery,
  ImageHistoryQuery,
  ImageHistoryResponseItem,
  ImageInspect,
  ImageInspectQuery,
  ImageTagQuery,
} from '../generated/engine-api.js';
import type { LazyStream } from '../lazy-stream.js';
import { callJson, callUnit, streamBytes } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';
import { needs } from '../operation/version-gate.js';
import type { ProgressStream } from '../progress-stream.js';
import { type PushOptions, type PushResult, pushImage } from './push.js';

/** `image.inspect(options)`: `manifests` (API 1.48+), `platform` (JSON OCI platform, API 1.49+). */
export interface InspectImageOptions extends CallOptions, QueryOptions<ImageInspectQuery> {}

/** `image.history(options)`: `platform` (JSON OCI platform, API 1.48+). */
export interface ImageHistoryOptions extends CallOptions, QueryOptions<ImageHistoryQuery> {}

/** `image.attestations(options)`: `platform` (one JSON OCI platform; the host's when omitted). */
export interface ImageAttestationsOptions extends CallOptions, QueryOptions<ImageAttestationsQuery> {}

/** `image.tag(options)`: `repo` (e.g. `127.0.0.1:5000/app`) and `tag`. */
export interface TagImageOptions extends CallOptions, QueryOptions<ImageTagQuery> {
  /** The repository to tag into, e.g. `127.0.0.1:5000/app`. */
  repo: string;
}

/** `image.remove(options)`: `force`, `noprune` (keep untagged parents), `platforms` (API 1.50+). */
export interface RemoveImageOptions extends CallOptions, QueryOptions<ImageDeleteQuery> {}

/** `image.export(options)`: `platform` (JSON OCI platform, API 1.48+). */
export interface ExportImageOptions extends StreamOptions, QueryOptions<ImageGetQuery> {}

/**
 * A lazy handle on an image by reference or ID: no request until a method is called.
 *
 * Its name is one path segment like every name (`enginePath`): `127.0.0.1:5000/app:2` goes
 * out as `/images/127.0.0.1%3A5000%2Fapp%3A2/json`. The engine routes `/images/{name:.*}/json`
 * on the decoded path, so it sees the name with its slashes, exactly as if they were sent raw.
 *
 * @example
 * ```ts
 * const img = docker.images.get('app:2');
 * await img.tag({ repo: '127.0.0.1:5000/app', tag: '2' });
 * ```
 */
export class Image {
  /** The reference or ID this handle was made with. */
  readonly name: string;
  readonly #transport: Transport;
  readonly #store: CredentialStoreOptions;

  /** @internal Use `docker.images.get(ref)`. */
  constructor(transport: Transport, name: string, store: CredentialStoreOptions = {}) {
    if (!name) throw new TypeError('An image reference or ID is required.');
    this.#transport = transport;
    this.name = name;
    this.#store = store;
  }

  /** `GET /images/{name}/json`. */
  inspect(options: InspectImageOptions = {}): Promise<ImageInspect> {
    return callJson(
      this.#transport,
      {
        method: 'GET',
        path: enginePath`/images/${this.name}/json`,
        query: { manifests: options.manifests, platform: options.platform },
        needs: needs(options, { manifests: '1.48', platform: '1.49' }),
      },
      options,
    );
  }

  /** `GET /images/{name}/history`: the layers, newest first. */
  history(options: ImageHistoryOptions = {}): Promise<ImageHistoryResponseItem[]> {
    return callJson(
      this.#transport,
      { method: 'GET', path: enginePath`/images/${this.name}/history`, query: { platform: options.platform }, needs: needs(options, { platform: '1.48' }) },
      options,
    );
  }

  /**
   * `GET /images/{name}/attestations` (API 1.55+): the in-toto statements attached to the
   * image for a platform, verbatim; an empty array when it has none. Engines whose image store
   * keeps no OCI indexes answer 501 (`ServerError`).
   */
  attestations(options: ImageAttestationsOptions = {}): Promise<ImageAttestationsResponse> {
    return callJson(
      this.#transport,
      { method: 'GET', path: enginePath`/images/${this.name}/attestations`, query: { platform: options.platform }, needs: [['attestations', '1.55']] },
      options,
    );
  }

  /** `POST /images/{name}/tag?repo=…&tag=…`. */
  tag(options: TagImageOptions): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/images/${this.name}/tag`, query: { repo: options.repo, tag: options.tag } }, options);
  }

  /** `POST /images/{name}/push`: pushes this reference (its tag, or `latest`). */
  push(options: PushOptions = {}): ProgressStream<ProgressMessage, PushResult> {
    return pushImage(this.#transport, this.name, options, this.#store);
  }

  /** `GET /images/{name}/get`: this image as a tar (with its tags), for `images.load`. */
  export(options: ExportImageOptions = {}): LazyStream<Uint8Array> {
    return streamBytes(
      this.#transport,
      { method: 'GET', path: enginePath`/images/${this.name}/get`, query: { platform: options.platform }, needs: needs(options, { platform: '1.48' }) },
      options,
    );
  }

  /** `DELETE /images/{name}`: untags and deletes; resolves with what was untagged and deleted. */
  remove(options: RemoveImageOptions = {}): Promise<ImageDeleteResponseItem[]> {
    return callJson(
      this.#transport,
      {
        method: 'DELETE',
        path: enginePath`/images/${this.name}`,
        query: { force: options.force, noprune: options.noprune, platforms: options.platforms },
        needs: needs(options, { platforms: '1.50' }),
      },
      options,
    );
  }
}
