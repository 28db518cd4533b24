import type { Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type { Filters } from '../filters.js';
import type { BuildPruneResponse } from '../generated/engine-api.js';
import { callJson } from '../operation/handlers.js';
import { apiAtLeast, needs } from '../operation/version-gate.js';

/** `docker.buildCache.prune(options)`: the query of `POST /build/prune`, camelCased. */
export interface PruneBuildCacheOptions extends CallOptions {
  /** Remove all unused build cache, not only dangling records. */
  all?: boolean;
  /** `until`, `id`, `parent`, `type`, `description`, `inuse`, `shared`, `private`. */
  filters?: Filters;
  /**
   * Bytes of cache to keep: `keep-storage` below API 1.48, where the engine renamed it
   * `reserved-space` (sent as that from 1.48 on).
   */
  keepStorage?: number;
  /** Bytes of cache to keep (API 1.48+; `keepStorage` is the same for older engines). */
  reservedSpace?: number;
  /** Most bytes the cache may use after pruning (API 1.48+). */
  maxUsedSpace?: number;
  /** Bytes of disk to leave free after pruning (API 1.48+). */
  minFreeSpace?: number;
}

/**
 * `docker.buildCache`: the builder's cache (the `BuildCache` part of `docker.df()`).
 *
 * @example
 * ```ts
 * const { SpaceReclaimed } = await docker.buildCache.prune({ all: true, filters: { until: ['24h'] } });
 * ```
 */
export class BuildCache {
  readonly #transport: Transport;

  /** @internal Use `docker.buildCache`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** `POST /build/prune`: removes build cache; resolves with what went and the bytes reclaimed. */
  prune(options: PruneBuildCacheOptions = {}): Promise<BuildPruneResponse> {
    return callJson(
      this.#transport,
      async () => {
        const renamed = apiAtLeast(this.#transport.apiVersion ?? (await this.#transport.negotiate()), '1.48');
        return {
          method: 'POST',
          path: '/build/prune',
          query: {
            all: options.all,
            filters: options.filters,
            'keep-storage': renamed ? undefined : options.keepStorage,
            'reserved-space': renamed ? (options.reservedSpace ?? options.keepStorage) : options.reservedSpace,
            'max-used-space': options.maxUsedSpace,
            'min-free-space': options.minFreeSpace,
          },
          needs: needs(options, { reservedSpace: '1.48', maxUsedSpace: '1.48', minFreeSpace: '1.48' }),
        };
      },
      options,
    );
  }
}
