import { enginePath, type Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type {
  IDResponse,
  SecretCreateBody,
  SecretInspectResponse,
  SecretListQuery,
  SecretListResponse,
  SecretUpdateBody,
  SecretUpdateQuery,
} from '../generated/engine-api.js';
import { createdId } from '../operation/created-id.js';
import { callJson, callUnit } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `secret.update(spec, options)`: `version` is the secret's `Version.Index` (only labels may change). */
export interface UpdateSecretOptions extends CallOptions, QueryOptions<SecretUpdateQuery> {}

/** `docker.secrets.list(options)`. */
export interface ListSecretsOptions extends CallOptions, QueryOptions<SecretListQuery> {}

/**
 * A lazy handle on a swarm secret by ID or name. The engine never returns a secret's data:
 * `inspect()` gives its spec without `Data`.
 *
 * @example
 * ```ts
 * const s = await docker.secrets.create({ Name: 'db-pw', Data: btoa('hunter2') });
 * const { Version, Spec } = await s.inspect();
 * await s.update({ ...Spec!, Labels: { rotated: 'no' } }, { version: Version!.Index! });
 * await s.remove();
 * ```
 */
export class Secret {
  /** The secret's ID (from `create`) or the ID or name the handle was made with. */
  readonly id: string;
  readonly #transport: Transport;

  /** @internal Use `docker.secrets.get(id)`. */
  constructor(transport: Transport, id: string) {
    if (!id) throw new TypeError('A secret ID or name is required.');
    this.#transport = transport;
    this.id = id;
  }

  /** `GET /secrets/{id}`. */
  inspect(options: CallOptions = {}): Promise<SecretInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/secrets/${this.id}` }, options);
  }

  /** `POST /secrets/{id}/update?version=…`: the engine lets only `Labels` change. */
  update(spec: SecretUpdateBody, options: UpdateSecretOptions): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/secrets/${this.id}/update`, query: { version: options.version }, body: spec }, options);
  }

  /** `DELETE /secrets/{id}`. */
  remove(options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'DELETE', path: enginePath`/secrets/${this.id}` }, options);
  }
}

/**
 * `docker.secrets`: create, list, and lazy handles. `Data` is base64 (standard alphabet).
 *
 * @example
 * ```ts
 * const s = await docker.secrets.create({ Name: 'db-pw', Data: Buffer.from('hunter2').toString('base64') });
 * await docker.secrets.list({ filters: { name: ['db-pw'] } });
 * ```
 */
export class Secrets {
  readonly #transport: Transport;

  /** @internal Use `docker.secrets`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A lazy handle on a secret. */
  get(id: string): Secret {
    return new Secret(this.#transport, id);
  }

  /** `POST /secrets/create`: resolves with a handle on the new secret (by ID). */
  async create(spec: SecretCreateBody, options: CallOptions = {}): Promise<Secret> {
    const res = await callJson<IDResponse & { ID?: string }>(this.#transport, { method: 'POST', path: '/secrets/create', body: spec }, options);
    return new Secret(this.#transport, createdId(res, 'secret'));
  }

  /** `GET /secrets`. */
  list(options: ListSecretsOptions = {}): Promise<SecretListResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/secrets', query: { filters: options.filters } }, options);
  }
}
