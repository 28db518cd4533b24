import { enginePath, type Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type {
  ClusterVolumeSpec,
  VolumeCreateBody,
  VolumeDeleteQuery,
  VolumeInspectResponse,
  VolumeListQuery,
  VolumeListResponse,
  VolumePruneQuery,
  VolumePruneResponse,
  VolumeUpdateQuery,
} from '../generated/engine-api.js';
import { callJson, callUnit } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `volume.remove(options)`. */
export interface RemoveVolumeOptions extends CallOptions, QueryOptions<VolumeDeleteQuery> {}

/** `volume.update(spec, options)` (cluster volumes, API 1.42+). */
export interface UpdateVolumeOptions extends CallOptions, Omit<QueryOptions<VolumeUpdateQuery>, 'version'> {
  /** The volume's `Version.Index` the update is based on (from `inspect()`). */
  version: number;
}

/** `docker.volumes.list(options)`. */
export interface ListVolumesOptions extends CallOptions, QueryOptions<VolumeListQuery> {}

/** `docker.volumes.prune(options)`. */
export interface PruneVolumesOptions extends CallOptions, QueryOptions<VolumePruneQuery> {}

/**
 * A lazy handle on a volume by name: no request until a method is called.
 *
 * @example
 * ```ts
 * const v = docker.volumes.get('v1');
 * console.log((await v.inspect()).Mountpoint);
 * await v.remove();
 * ```
 */
export class Volume {
  /** The volume's name. */
  readonly name: string;
  /** Warnings the engine sent when this handle came from `create` (else empty). */
  readonly warnings: readonly string[];
  readonly #transport: Transport;

  /** @internal Use `docker.volumes.get(name)`. */
  constructor(transport: Transport, name: string, warnings: readonly string[] = []) {
    if (!name) throw new TypeError('A volume name is required.');
    this.#transport = transport;
    this.name = name;
    this.warnings = warnings;
  }

  /** `GET /volumes/{name}`. */
  inspect(options: CallOptions = {}): Promise<VolumeInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/volumes/${this.name}` }, options);
  }

  /** `PUT /volumes/{name}?version=…`: updates a cluster volume's spec (API 1.42+, swarm managers). */
  update(spec: ClusterVolumeSpec, options: UpdateVolumeOptions): Promise<void> {
    return callUnit(
      this.#transport,
      {
        method: 'PUT',
        path: enginePath`/volumes/${this.name}`,
        query: { version: options.version },
        body: { Spec: spec },
        needs: [['update', '1.42']],
      },
      options,
    );
  }

  /** `DELETE /volumes/{name}`. */
  remove(options: RemoveVolumeOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'DELETE', path: enginePath`/volumes/${this.name}`, query: { force: options.force } }, options);
  }
}

/**
 * `docker.volumes`: create, list, prune, and lazy handles.
 *
 * @example
 * ```ts
 * const v = await docker.volumes.create({ Name: 'v1', Labels: { app: 'web' } });
 * console.log((await v.inspect()).Mountpoint);
 * await docker.volumes.get('v1').remove();
 * ```
 */
export class Volumes {
  readonly #transport: Transport;

  /** @internal Use `docker.volumes`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A lazy handle on a volume. */
  get(name: string): Volume {
    return new Volume(this.#transport, name);
  }

  /** `POST /volumes/create`: resolves with a handle on the new volume, like every `create`. */
  async create(body: VolumeCreateBody = {}, options: CallOptions = {}): Promise<Volume> {
    const info = await callJson<VolumeInspectResponse>(this.#transport, { method: 'POST', path: '/volumes/create', body }, options);
    return new Volume(this.#transport, info.Name);
  }

  /** `GET /volumes`: the volumes, as an array like every list (the engine's `Warnings` are dropped). */
  async list(options: ListVolumesOptions = {}): Promise<VolumeInspectResponse[]> {
    const res = await callJson<VolumeListResponse>(this.#transport, { method: 'GET', path: '/volumes', query: { filters: options.filters } }, options);
    return res.Volumes ?? [];
  }

  /** `POST /volumes/prune`: removes unused volumes (anonymous ones only from API 1.42, unless `filters: { all: ['true'] }`). */
  prune(options: PruneVolumesOptions = {}): Promise<VolumePruneResponse> {
    return callJson(this.#transport, { method: 'POST', path: '/volumes/prune', query: { filters: options.filters } }, options);
  }
}
