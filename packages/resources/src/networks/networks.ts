import { type Transport, enginePath } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type {
  EndpointSettings,
  NetworkCreateBody,
  NetworkCreateResponse,
  NetworkInspectQuery,
  NetworkInspectResponse,
  NetworkListQuery,
  NetworkListResponse,
  NetworkPruneQuery,
  NetworkPruneResponse,
} from '../generated/engine-api.js';
import { callJson, callUnit } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `network.inspect(options)`: `verbose`, `scope`. */
export interface InspectNetworkOptions extends CallOptions, QueryOptions<NetworkInspectQuery> {}

/** `docker.networks.list(options)`: `filters`. */
export interface ListNetworksOptions extends CallOptions, QueryOptions<NetworkListQuery> {}

/** `docker.networks.prune(options)`: `filters`. */
export interface PruneNetworksOptions extends CallOptions, QueryOptions<NetworkPruneQuery> {}

/** `network.connect(container, options)`: the container's endpoint on this network. */
export interface ConnectOptions extends CallOptions {
  /** Names other containers on the network can reach this one by. */
  aliases?: string[];
  /** A static IPv4 address (the network needs a user-defined subnet). */
  ipv4Address?: string;
  /** A static IPv6 address. */
  ipv6Address?: string;
  /** More endpoint settings, as the engine takes them. */
  endpointConfig?: EndpointSettings;
}

/** `network.disconnect(container, options)`. */
export interface DisconnectOptions extends CallOptions {
  /** Disconnect even a container that is not running (the engine's `Force`). */
  force?: boolean;
}

/**
 * A lazy handle on a network by ID or name: no request until a method is called.
 *
 * @example
 * ```ts
 * const net = docker.networks.get('n1');
 * await net.connect('web', { aliases: ['api'] });
 * console.log((await net.inspect()).Containers);
 * ```
 */
export class Network {
  /** The ID or name this handle was made with (the ID when it came from `create`). */
  readonly id: string;
  /** Warnings the engine sent when this handle came from `create` (else empty). */
  readonly warnings: readonly string[];
  readonly #transport: Transport;

  /** @internal Use `docker.networks.get(id)`. */
  constructor(transport: Transport, id: string, warnings: readonly string[] = []) {
    if (!id) throw new TypeError('A network ID or name is required.');
    this.#transport = transport;
    this.id = id;
    this.warnings = warnings;
  }

  /** `GET /networks/{id}`. */
  inspect(options: InspectNetworkOptions = {}): Promise<NetworkInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/networks/${this.id}`, query: { verbose: options.verbose, scope: options.scope } }, options);
  }

  /** `DELETE /networks/{id}`. */
  remove(options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'DELETE', path: enginePath`/networks/${this.id}` }, options);
  }

  /** `POST /networks/{id}/connect`: attaches a container, with aliases or a static IP. */
  connect(container: string, options: ConnectOptions = {}): Promise<void> {
    const { aliases, ipv4Address, ipv6Address, endpointConfig } = options;
    const ipam = ipv4Address || ipv6Address ? { IPAMConfig: { IPv4Address: ipv4Address, IPv6Address: ipv6Address } } : {};
    const body = { Container: container, EndpointConfig: { ...endpointConfig, ...(aliases ? { Aliases: aliases } : {}), ...ipam } };
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/networks/${this.id}/connect`, body }, options);
  }

  /** `POST /networks/{id}/disconnect`. */
  disconnect(container: string, options: DisconnectOptions = {}): Promise<void> {
    const body = { Container: container, Force: options.force === true };
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/networks/${this.id}/disconnect`, body }, options);
  }
}

/**
 * `docker.networks`: create, list, prune, and lazy handles.
 *
 * @example
 * ```ts
 * const net = await docker.networks.create({ Name: 'n1' });
 * await net.connect(c.id, { aliases: ['db'] });
 * ```
 */
export class Networks {
  readonly #transport: Transport;

  /** @internal Use `docker.networks`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A lazy handle on a network. */
  get(idOrName: string): Network {
    return new Network(this.#transport, idOrName);
  }

  /** `POST /networks/create`: resolves with a handle (by ID) on the new network, like every `create`; the engine's warning on `warnings`. */
  async create(body: NetworkCreateBody, options: CallOptions = {}): Promise<Network> {
    const created = await callJson<NetworkCreateResponse>(this.#transport, { method: 'POST', path: '/networks/create', body }, options);
    return new Network(this.#transport, created.Id, created.Warning ? [created.Warning] : []);
  }

  /** `GET /networks`: the networks, as an array. */
  list(options: ListNetworksOptions = {}): Promise<NetworkListResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/networks', query: { filters: options.filters } }, options);
  }

  /** `POST /networks/prune`: removes unused networks. */
  prune(options: PruneNetworksOptions = {}): Promise<NetworkPruneResponse> {
    return callJson(this.#transport, { method: 'POST', path: '/networks/prune', query: { filters: options.filters } }, options);
  }
}
