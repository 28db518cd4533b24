import { enginePath, type Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type {
  IDResponse,
  ConfigCreateBody,
  ConfigInspectResponse,
  ConfigListQuery,
  ConfigListResponse,
  ConfigUpdateBody,
  ConfigUpdateQuery,
} from '../generated/engine-api.js';
import { createdId } from '../operation/created-id.js';
import { callJson, callUnit } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `config.update(spec, options)`: `version` is the config's `Version.Index` (only labels may change). */
export interface UpdateConfigOptions extends CallOptions, QueryOptions<ConfigUpdateQuery> {}

/** `docker.configs.list(options)`. */
export interface ListConfigsOptions extends CallOptions, QueryOptions<ConfigListQuery> {}

/**
 * A lazy handle on a swarm config by ID or name. Unlike a secret's, a config's `Data` is
 * returned by `inspect()` (base64).
 *
 * @example
 * ```ts
 * const s = await docker.configs.create({ Name: 'nginx-conf', Data: btoa('server {}') });
 * const { Version, Spec } = await s.inspect();
 * await s.update({ ...Spec!, Labels: { app: 'web' } }, { version: Version!.Index! });
 * await s.remove();
 * ```
 */
export class Config {
  /** The config's ID (from `create`) or the ID or name the handle was made with. */
  readonly id: string;
  readonly #transport: Transport;

  /** @internal Use `docker.configs.get(id)`. */
  constructor(transport: Transport, id: string) {
    if (!id) throw new TypeError('A config ID or name is required.');
    this.#transport = transport;
    this.id = id;
  }

  /** `GET /configs/{id}`. */
  inspect(options: CallOptions = {}): Promise<ConfigInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/configs/${this.id}` }, options);
  }

  /** `POST /configs/{id}/update?version=…`: the engine lets only `Labels` change. */
  update(spec: ConfigUpdateBody, options: UpdateConfigOptions): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/configs/${this.id}/update`, query: { version: options.version }, body: spec }, options);
  }

  /** `DELETE /configs/{id}`. */
  remove(options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'DELETE', path: enginePath`/configs/${this.id}` }, options);
  }
}

/**
 * `docker.configs`: create, list, and lazy handles. `Data` is base64 (standard alphabet).
 *
 * @example
 * ```ts
 * const s = await docker.configs.create({ Name: 'nginx-conf', Data: Buffer.from('server {}').toString('base64') });
 * await docker.configs.list({ filters: { name: ['nginx-conf'] } });
 * ```
 */
export class Configs {
  readonly #transport: Transport;

  /** @internal Use `docker.configs`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A lazy handle on a config. */
  get(id: string): Config {
    return new Config(this.#transport, id);
  }

  /** `POST /configs/create`: resolves with a handle on the new config (by ID). */
  async create(spec: ConfigCreateBody, options: CallOptions = {}): Promise<Config> {
    const res = await callJson<IDResponse & { ID?: string }>(this.#transport, { method: 'POST', path: '/configs/create', body: spec }, options);
    return new Config(this.#transport, createdId(res, 'config'));
  }

  /** `GET /configs`. */
  list(options: ListConfigsOptions = {}): Promise<ConfigListResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/configs', query: { filters: options.filters } }, options);
  }
}
