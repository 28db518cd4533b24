import type { CallOptions } from '../call-options.js';
import type { BuildCache, ContainerSummary, ImageSummary, SystemDataUsageQuery, SystemDataUsageResponse, Volume } from '../generated/engine-api.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `docker.df(options)`: `type` (API 1.42+: `container`, `image`, `volume`, `build-cache`), `verbose` (API 1.52+). */
export interface DiskUsageOptions extends CallOptions, QueryOptions<SystemDataUsageQuery> {}

/**
 * What `docker.df()` resolves with. Engines from API 1.52 on answer with the summary fields
 * of the spec (`ImageUsage`, `ContainerUsage`, …); older engines list every object instead
 * (`Images`, `Containers`, `Volumes`, `BuildCache`, `LayersSize`). Both shapes are typed.
 */
export interface DiskUsage extends SystemDataUsageResponse {
  /** Engines before API 1.52: total size of all image layers. */
  LayersSize?: number;
  /** Engines before API 1.52. */
  Images?: ImageSummary[];
  /** Engines before API 1.52. */
  Containers?: ContainerSummary[];
  /** Engines before API 1.52. */
  Volumes?: Volume[];
  /** Engines before API 1.52. */
  BuildCache?: BuildCache[];
}
