import type { Transport } from '@dockyard/transport';
import type { ContainerCreateBody, ContainerCreateResponse, ContainerPruneResponse, ContainerSummary } from '../generated/engine-api.js';
import { callJson } from '../operation/handlers.js';
import { Container } from './container.js';
import type { CreateContainerOptions, ListContainersOptions, PruneContainersOptions } from './options.js';

/**
 * `docker.containers`: create, find, list and prune containers.
 *
 * @example
 * ```ts
 * const c = await docker.containers.create({ Image: 'busybox', Cmd: ['echo', 'hi'] }, { name: 'job-1' });
 * const running = await docker.containers.list({ filters: { label: ['app=web'] } });
 * ```
 */
export class Containers {
  readonly #transport: Transport;

  /** @internal Use `docker.containers`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A lazy handle on a container by ID or name: no request is made until a method is called. */
  get(idOrName: string): Container {
    return new Container(this.#transport, idOrName);
  }

  /** `POST /containers/create?name=…`: resolves with a handle on the new container (its full ID), engine warnings on `warnings`. */
  async create(config: ContainerCreateBody, options: CreateContainerOptions = {}): Promise<Container> {
    const created = await callJson<ContainerCreateResponse>(
      this.#transport,
      { method: 'POST', path: '/containers/create', query: { name: options.name, platform: options.platform }, body: config },
      options,
    );
    return new Container(this.#transport, created.Id, created.Warnings ?? []);
  }

  /** `GET /containers/json`: running containers, or all with `{ all: true }`. */
  list(options: ListContainersOptions = {}): Promise<ContainerSummary[]> {
    return callJson(
      this.#transport,
      { method: 'GET', path: '/containers/json', query: { all: options.all, limit: options.limit, size: options.size, filters: options.filters } },
      options,
    );
  }

  /** `POST /containers/prune`: removes stopped containers (matching `filters`). */
  prune(options: PruneContainersOptions = {}): Promise<ContainerPruneResponse> {
    return callJson(this.#transport, { method: 'POST', path: '/containers/prune', query: { filters: options.filters } }, options);
  }
}
