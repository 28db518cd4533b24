import type { Transport } from '@dockyard/transport';
import type { CallOptions } from '../containers/options.js';
import type { Filters } from '../filters.js';
import type { Volume, VolumeCreateBody, VolumeListResponse, VolumePruneResponse } from '../generated/engine-api.js';

/** `volume.remove(options)`. */
export interface RemoveVolumeOptions extends CallOptions {
  /** Remove even when in use (the engine still refuses for volumes mounted by running containers). */
  force?: boolean;
}

/** A lazy handle on a volume by name: no request until a method is called. */
export class VolumeHandle {
  readonly name: string;
  readonly #transport: Transport;

  /** @internal Use `docker.volumes.get(name)`. */
  constructor(transport: Transport, name: string) {
    if (!name) throw new TypeError('A volume name is required.');
    this.#transport = transport;
    this.name = name;
  }

  /** `GET /volumes/{name}`. */
  async inspect(options: CallOptions = {}): Promise<Volume> {
    const res = await this.#transport.request({ method: 'GET', path: `/volumes/${encodeURIComponent(this.name)}`, signal: options.signal });
    return res.json<Volume>();
  }

  /** `DELETE /volumes/{name}`. */
  async remove(options: RemoveVolumeOptions = {}): Promise<void> {
    const res = await this.#transport.request({
      method: 'DELETE',
      path: `/volumes/${encodeURIComponent(this.name)}`,
      query: { force: options.force },
      signal: options.signal,
    });
    await res.dump();
  }
}

/**
 * `docker.volumes`: create, list, prune, and lazy handles.
 *
 * @example
 * ```ts
 * const v = await docker.volumes.create({ Name: 'v1', Labels: { app: 'web' } });
 * console.log(v.info.Mountpoint);
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
  get(name: string): VolumeHandle {
    return new VolumeHandle(this.#transport, name);
  }

  /** `POST /volumes/create`: resolves with a handle that also carries the created volume as `info`. */
  async create(body: VolumeCreateBody = {}, options: CallOptions = {}): Promise<VolumeHandle & { info: Volume }> {
    const res = await this.#transport.request({ method: 'POST', path: '/volumes/create', body, signal: options.signal });
    const info = await res.json<Volume>();
    return Object.assign(new VolumeHandle(this.#transport, info.Name), { info });
  }

  /** `GET /volumes`: `{ Volumes, Warnings }` as the engine sends it. */
  async list(options: CallOptions & { filters?: Filters } = {}): Promise<VolumeListResponse> {
    const res = await this.#transport.request({ method: 'GET', path: '/volumes', query: { filters: options.filters }, signal: options.signal });
    return res.json<VolumeListResponse>();
  }

  /** `POST /volumes/prune`: removes unused volumes (anonymous ones only from API 1.42, unless `filters: { all: ['true'] }`). */
  async prune(options: CallOptions & { filters?: Filters } = {}): Promise<VolumePruneResponse> {
    const res = await this.#transport.request({ method: 'POST', path: '/volumes/prune', query: { filters: options.filters }, signal: options.signal });
    return res.json<VolumePruneResponse>();
  }
}
