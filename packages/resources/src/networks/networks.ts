import type { Transport } from '@dockyard/transport';
import type { CallOptions } from '../containers/options.js';
import type { Filters } from '../filters.js';
import type {
  EndpointSettings,
  NetworkCreateBody,
  NetworkCreateResponse,
  NetworkInspectResponse,
  NetworkListResponse,
  NetworkPruneResponse,
} from '../generated/engine-api.js';

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

/** A lazy handle on a network by ID or name. */
export class NetworkHandle {
  readonly id: string;
  readonly #transport: Transport;

  /** @internal Use `docker.networks.get(id)`. */
  constructor(transport: Transport, id: string) {
    if (!id) throw new TypeError('A network ID or name is required.');
    this.#transport = transport;
    this.id = id;
  }

  #path(suffix = ''): string {
    return `/networks/${encodeURIComponent(this.id)}${suffix}`;
  }

  /** `GET /networks/{id}`. */
  async inspect(options: CallOptions & { verbose?: boolean } = {}): Promise<NetworkInspectResponse> {
    const res = await this.#transport.request({ method: 'GET', path: this.#path(), query: { verbose: options.verbose }, signal: options.signal });
    return res.json<NetworkInspectResponse>();
  }

  /** `DELETE /networks/{id}`. */
  async remove(options: CallOptions = {}): Promise<void> {
    await (await this.#transport.request({ method: 'DELETE', path: this.#path(), signal: options.signal })).dump();
  }

  /** `POST /networks/{id}/connect`: attaches a container, with aliases or a static IP. */
  async connect(container: string, options: ConnectOptions = {}): Promise<void> {
    const { aliases, ipv4Address, ipv6Address, endpointConfig } = options;
    const ipam = ipv4Address || ipv6Address ? { IPAMConfig: { IPv4Address: ipv4Address, IPv6Address: ipv6Address } } : {};
    const body = { Container: container, EndpointConfig: { ...endpointConfig, ...(aliases ? { Aliases: aliases } : {}), ...ipam } };
    await (await this.#transport.request({ method: 'POST', path: this.#path('/connect'), body, signal: options.signal })).dump();
  }

  /** `POST /networks/{id}/disconnect`. */
  async disconnect(container: string, options: CallOptions & { force?: boolean } = {}): Promise<void> {
    const body = { Container: container, Force: options.force === true };
    await (await this.#transport.request({ method: 'POST', path: this.#path('/disconnect'), body, signal: options.signal })).dump();
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
  get(idOrName: string): NetworkHandle {
    return new NetworkHandle(this.#transport, idOrName);
  }

  /** `POST /networks/create`: resolves with a handle (by ID) that also carries `warning`. */
  async create(body: NetworkCreateBody, options: CallOptions = {}): Promise<NetworkHandle & { warning: string | undefined }> {
    const res = await this.#transport.request({ method: 'POST', path: '/networks/create', body, signal: options.signal });
    const created = await res.json<NetworkCreateResponse>();
    return Object.assign(new NetworkHandle(this.#transport, created.Id), { warning: created.Warning || undefined });
  }

  /** `GET /networks`. */
  async list(options: CallOptions & { filters?: Filters } = {}): Promise<NetworkListResponse> {
    const res = await this.#transport.request({ method: 'GET', path: '/networks', query: { filters: options.filters }, signal: options.signal });
    return res.json<NetworkListResponse>();
  }

  /** `POST /networks/prune`: removes unused networks. */
  async prune(options: CallOptions & { filters?: Filters } = {}): Promise<NetworkPruneResponse> {
    const res = await this.#transport.request({ method: 'POST', path: '/networks/prune', query: { filters: options.filters }, signal: options.signal });
    return res.json<NetworkPruneResponse>();
  }
}
