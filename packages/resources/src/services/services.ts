import { DockerError, enginePath, type Transport } from '@dockyard/transport';
import { registryAuthHeader } from '../auth/auth-header.js';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';
import { type RegistryAuth, encodeRegistryAuth } from '../auth/registry-auth.js';
import type { CallOptions } from '../call-options.js';
import type {
  ServiceCreateBody,
  ServiceCreateResponse,
  ServiceInspectQuery,
  ServiceInspectResponse,
  ServiceListQuery,
  ServiceListResponse,
  ServiceUpdateBody,
  ServiceUpdateQuery,
  ServiceUpdateResponse,
} from '../generated/engine-api.js';
import type { LazyStream } from '../lazy-stream.js';
import type { LogStream } from '../logs/log-stream.js';
import { type SwarmLogsOptions, swarmLog } from '../logs/swarm-log.js';
import { callJson, callUnit } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';
import { type ConvergeOptions, type ConvergeReport, converge } from './converge.js';

/** `docker.services.create(spec, options)`. */
export interface CreateServiceOptions extends CallOptions {
  /**
   * Credentials for the registry of the service's image, stored with the service for its
   * nodes to pull with; omitted, they come from `$DOCKER_CONFIG/config.json` as for pull.
   */
  auth?: RegistryAuth;
}

/** `service.update(spec, options)`: `version` is the service's `Version.Index` the update is based on. */
export interface UpdateServiceOptions extends CallOptions, QueryOptions<ServiceUpdateQuery> {
  /**
   * New registry credentials for the image (sent as `X-Registry-Auth`). Omitted, the engine
   * keeps the ones it has, from where `registryAuthFrom` says (`spec` by default).
   */
  auth?: RegistryAuth;
}

/** `service.rollback(options)`. */
export interface RollbackServiceOptions extends CallOptions {
  /** The service's `Version.Index`; omitted, the one `inspect()` reads. */
  version?: number;
}

/** `service.inspect(options)`. */
export interface InspectServiceOptions extends CallOptions, QueryOptions<ServiceInspectQuery> {}

/** `docker.services.list(options)`. */
export interface ListServicesOptions extends CallOptions, QueryOptions<ServiceListQuery> {}

/**
 * A lazy handle on a swarm service by ID or name: no request until a method is called.
 *
 * @example
 * ```ts
 * const svc = docker.services.get('web');
 * const { Version, Spec } = await svc.inspect();
 * await svc.update({ ...Spec, Mode: { Replicated: { Replicas: 3 } } }, { version: Version!.Index! });
 * for await (const p of svc.converge()) console.log(`${p.running}/${p.desired}`);
 * ```
 */
export class Service {
  /** The service's ID (from `create`) or the ID or name the handle was made with. */
  readonly id: string;
  /** Warnings the engine sent when this handle came from `create` (else empty). */
  readonly warnings: readonly string[];
  readonly #transport: Transport;

  /** @internal Use `docker.services.get(id)`. */
  constructor(transport: Transport, id: string, warnings: readonly string[] = []) {
    if (!id) throw new TypeError('A service ID or name is required.');
    this.#transport = transport;
    this.id = id;
    this.warnings = warnings;
  }

  /** `GET /services/{id}`. */
  inspect(options: InspectServiceOptions = {}): Promise<ServiceInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/services/${this.id}`, query: { insertDefaults: options.insertDefaults } }, options);
  }

  /**
   * `POST /services/{id}/update?version=…`: replaces the service's spec. A `version` other
   * than the current one is refused by the engine (another write came first).
   */
  update(spec: ServiceUpdateBody, options: UpdateServiceOptions): Promise<ServiceUpdateResponse> {
    const { version, registryAuthFrom, rollback, auth } = options;
    return callJson(
      this.#transport,
      {
        method: 'POST',
        path: enginePath`/services/${this.id}/update`,
        query: { version, registryAuthFrom, rollback },
        body: spec,
        headers: auth ? { 'X-Registry-Auth': encodeRegistryAuth(auth) } : undefined,
      },
      options,
    );
  }

  /**
   * `POST /services/{id}/update?rollback=previous`: back to the spec before the last update.
   * The engine wants a spec with it (and ignores it): the current one is read with `inspect()`.
   */
  async rollback(options: RollbackServiceOptions = {}): Promise<ServiceUpdateResponse> {
    const current = await this.inspect(options);
    const version = options.version ?? current.Version?.Index;
    if (version === undefined) throw new DockerError(`The engine sent service ${this.id} without a Version.Index to roll back from.`);
    return this.update((current.Spec ?? {}) as ServiceUpdateBody, { signal: options.signal, timeout: options.timeout, version, rollback: 'previous' });
  }

  /** `DELETE /services/{id}`: its tasks are shut down and removed. */
  remove(options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'DELETE', path: enginePath`/services/${this.id}` }, options);
  }

  /**
   * `GET /services/{id}/logs`: the logs of all the service's tasks, as the same
   * {@link LogStream} as a container's. Framing comes from the `Content-Type` on API >= 1.42,
   * else from the service's `TaskTemplate.ContainerSpec.TTY`.
   */
  logs(options: SwarmLogsOptions = {}): LogStream {
    return swarmLog(
      this.#transport,
      enginePath`/services/${this.id}/logs`,
      async (signal) => (await this.inspect({ signal })).Spec?.TaskTemplate?.ContainerSpec?.TTY === true,
      options,
    );
  }

  /**
   * What `docker service create` shows while it waits, as a stream: a `{ desired, running,
   * tasks }` report each time they change; it ends once the service has converged (a job:
   * once its tasks completed, counted in `completed`) and throws
   * `StreamError` naming the task and its error when one fails (e.g. `No such image: x`).
   * Cancellable like every stream (`break`, `signal`, `await using`).
   *
   * @example
   * ```ts
   * for await (const { running, desired } of svc.converge({ signal: AbortSignal.timeout(60_000) })) {
   *   console.log(`${running}/${desired} running`);
   * }
   * ```
   */
  converge(options: ConvergeOptions = {}): LazyStream<ConvergeReport> {
    return converge(this.#transport, this.id, options);
  }
}

/**
 * `docker.services`: create, list, and lazy handles.
 *
 * @example
 * ```ts
 * const svc = await docker.services.create({
 *   Name: 'web',
 *   TaskTemplate: { ContainerSpec: { Image: 'busybox', Command: ['sleep', '1d'] } },
 *   Mode: { Replicated: { Replicas: 2 } },
 * });
 * for await (const p of svc.converge()) console.log(`${p.running}/${p.desired}`);
 * ```
 */
export class Services {
  readonly #transport: Transport;
  readonly #store: CredentialStoreOptions;

  /** @internal Use `docker.services`. */
  constructor(transport: Transport, store: CredentialStoreOptions = {}) {
    this.#transport = transport;
    this.#store = store;
  }

  /** A lazy handle on a service. */
  get(id: string): Service {
    return new Service(this.#transport, id);
  }

  /** `POST /services/create`: resolves with a handle on the new service (by ID; engine warnings on `warnings`). */
  async create(spec: ServiceCreateBody, options: CreateServiceOptions = {}): Promise<Service> {
    const image = spec.TaskTemplate?.ContainerSpec?.Image;
    const res = await callJson<ServiceCreateResponse>(
      this.#transport,
      async () => ({
        method: 'POST',
        path: '/services/create',
        body: spec,
        headers: image ? await registryAuthHeader(image, options.auth, this.#store) : undefined,
      }),
      options,
    );
    if (!res.ID) throw new DockerError('The engine answered the service create without an ID.');
    return new Service(this.#transport, res.ID, res.Warnings ?? []);
  }

  /** `GET /services` (`status: true` adds each service's running and desired task counts). */
  list(options: ListServicesOptions = {}): Promise<ServiceListResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/services', query: { filters: options.filters, status: options.status } }, options);
  }
}
