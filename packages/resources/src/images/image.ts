import type { Transport } from '@dockyard/transport';
import type { ImageHistoryResponseItem, ImageDeleteResponseItem, ImageInspect } from '../generated/engine-api.js';
import type { CallOptions } from '../containers/options.js';
import type { ProgressMessage } from '@dockyard/stream';
import type { ProgressStream } from '../progress-stream.js';
import { type PushOptions, type PushResult, pushImage } from './push.js';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';

/** `image.tag(options)`. */
export interface TagImageOptions extends CallOptions {
  /** The repository to tag into, e.g. `127.0.0.1:5000/app`. */
  repo: string;
  tag?: string;
}

/** `image.remove(options)`. */
export interface RemoveImageOptions extends CallOptions {
  force?: boolean;
  /** Keep untagged parents. */
  noprune?: boolean;
}

/**
 * A lazy handle on an image by reference or ID: no request until a method is called.
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

  #path(suffix = ''): string {
    // Image names contain '/' which the engine's router expects literally.
    return `/images/${this.name.split('/').map(encodeURIComponent).join('/')}${suffix}`;
  }

  /** `GET /images/{name}/json`. */
  async inspect(options: CallOptions = {}): Promise<ImageInspect> {
    const res = await this.#transport.request({ method: 'GET', path: this.#path('/json'), signal: options.signal });
    return res.json<ImageInspect>();
  }

  /** `GET /images/{name}/history`: the layers, newest first. */
  async history(options: CallOptions = {}): Promise<ImageHistoryResponseItem[]> {
    const res = await this.#transport.request({ method: 'GET', path: this.#path('/history'), signal: options.signal });
    return res.json<ImageHistoryResponseItem[]>();
  }

  /** `POST /images/{name}/tag`. */
  async tag(options: TagImageOptions): Promise<void> {
    const res = await this.#transport.request({
      method: 'POST',
      path: this.#path('/tag'),
      query: { repo: options.repo, tag: options.tag },
      signal: options.signal,
    });
    await res.dump();
  }

  /** `POST /images/{name}/push`: pushes this reference (its tag, or `latest`). */
  push(options: PushOptions = {}): ProgressStream<ProgressMessage, PushResult> {
    return pushImage(this.#transport, this.name, options, this.#store);
  }

  /** `DELETE /images/{name}`: untags and deletes; resolves with what was untagged and deleted. */
  async remove(options: RemoveImageOptions = {}): Promise<ImageDeleteResponseItem[]> {
    const res = await this.#transport.request({
      method: 'DELETE',
      path: this.#path(),
      query: { force: options.force, noprune: options.noprune },
      signal: options.signal,
    });
    return res.json<ImageDeleteResponseItem[]>();
  }
}
