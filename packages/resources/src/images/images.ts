import type { ProgressMessage } from '@dockyard/stream';
import type { Transport } from '@dockyard/transport';
import type { Filters } from '../filters.js';
import type { ImagePruneResponse, ImageSummary } from '../generated/engine-api.js';
import type { CallOptions } from '../containers/options.js';
import type { StreamOptions } from '../lazy-stream.js';
import { ProgressStream, progressRequest } from '../progress-stream.js';
import { Image } from './image.js';
import { formatReference, parseReference } from './reference.js';
import { type RegistryAuth, encodeRegistryAuth } from './registry-auth.js';

/** `docker.images.pull(ref, options)`. */
export interface PullOptions extends StreamOptions {
  /** Registry credentials; omitted, none are sent. */
  auth?: RegistryAuth;
  /** `os[/arch[/variant]]`. */
  platform?: string;
}

/** What `pull(…).done()` resolves with. */
export interface PullResult {
  /** The reference that was pulled: `repository:tag` or `repository@digest`. */
  reference: string;
  /** The digest the registry reported, when it did. */
  digest: string | undefined;
}

/** `docker.images.list(options)`. */
export interface ListImagesOptions extends CallOptions {
  all?: boolean;
  filters?: Filters;
  digests?: boolean;
}

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

  /** @internal Use `docker.images`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A lazy handle on an image by reference or ID. */
  get(ref: string): Image {
    return new Image(this.#transport, ref);
  }

  /**
   * `POST /images/create?fromImage=…&tag=…`: pulls exactly the tag (or digest) named; a
   * reference without one pulls `latest`.
   */
  pull(ref: string, options: PullOptions = {}): ProgressStream<ProgressMessage, PullResult> {
    const parsed = parseReference(ref);
    const headers: Record<string, string> = {};
    if (options.auth) headers['X-Registry-Auth'] = encodeRegistryAuth(options.auth);
    return new ProgressStream<ProgressMessage, PullResult>(
      progressRequest(this.#transport, {
        method: 'POST',
        path: '/images/create',
        query: {
          fromImage: parsed.digest ? formatReference(parsed) : parsed.repository,
          tag: parsed.digest ? undefined : parsed.tag,
          platform: options.platform,
        },
        headers,
      }),
      ({ last }) => ({ reference: formatReference(parsed), digest: digestIn(last?.status) }),
      options,
    );
  }

  /** `GET /images/json`. */
  async list(options: ListImagesOptions = {}): Promise<ImageSummary[]> {
    const res = await this.#transport.request({
      method: 'GET',
      path: '/images/json',
      query: { all: options.all, filters: options.filters, digests: options.digests },
      signal: options.signal,
    });
    return res.json<ImageSummary[]>();
  }

  /** `POST /images/prune`: removes dangling (or, with `filters: { dangling: ['false'] }`, unused) images. */
  async prune(options: CallOptions & { filters?: Filters } = {}): Promise<ImagePruneResponse> {
    const res = await this.#transport.request({ method: 'POST', path: '/images/prune', query: { filters: options.filters }, signal: options.signal });
    return res.json<ImagePruneResponse>();
  }
}

function digestIn(status: string | undefined): string | undefined {
  return status?.match(/sha256:[0-9a-f]{64}/)?.[0];
}
