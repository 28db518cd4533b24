import { enginePath, type Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type { NodeDeleteQuery, NodeInspectResponse, NodeListQuery, NodeListResponse, NodeUpdateBody, NodeUpdateQuery } from '../generated/engine-api.js';
import { callJson, callUnit } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `node.remove(options)`. */
export interface RemoveNodeOptions extends CallOptions, QueryOptions<NodeDeleteQuery> {}

/** `node.update(spec, options)`: `version` is the node's `Version.Index` the update is based on. */
export interface UpdateNodeOptions extends CallOptions, QueryOptions<NodeUpdateQuery> {}

/** `docker.nodes.list(options)`. */
export interface ListNodesOptions extends CallOptions, QueryOptions<NodeListQuery> {}

/**
 * A lazy handle on a swarm node by ID or hostname: no request until a method is called.
 *
 * @example
 * ```ts
 * const node = docker.nodes.get(nodeId);
 * const { Version, Spec } = await node.inspect();
 * await node.update({ ...Spec, Availability: 'drain' }, { version: Version!.Index! });
 * ```
 */
export class Node {
  /** The node's ID or hostname, as the handle was made. */
  readonly id: string;
  readonly #transport: Transport;

  /** @internal Use `docker.nodes.get(id)`. */
  constructor(transport: Transport, id: string) {
    if (!id) throw new TypeError('A node ID or hostname is required.');
    this.#transport = transport;
    this.id = id;
  }

  /** `GET /nodes/{id}`. */
  inspect(options: CallOptions = {}): Promise<NodeInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/nodes/${this.id}` }, options);
  }

  /** `POST /nodes/{id}/update?version=…`: replaces the node's spec (role, availability, labels); a stale version is refused. */
  update(spec: NodeUpdateBody, options: UpdateNodeOptions): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/nodes/${this.id}/update`, query: { version: options.version }, body: spec }, options);
  }

  /** `DELETE /nodes/{id}`: removes the node from the swarm (`force` for one that is still up). */
  remove(options: RemoveNodeOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'DELETE', path: enginePath`/nodes/${this.id}`, query: { force: options.force } }, options);
  }
}

/**
 * `docker.nodes`: the swarm's nodes (a manager answers): list, and lazy handles.
 *
 * @example
 * ```ts
 * for (const n of await docker.nodes.list({ filters: { role: ['manager'] } })) console.log(n.ID, n.Status?.State);
 * ```
 */
export class Nodes {
  readonly #transport: Transport;

  /** @internal Use `docker.nodes`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A lazy handle on a node. */
  get(id: string): Node {
    return new Node(this.#transport, id);
  }

  /** `GET /nodes`. */
  list(options: ListNodesOptions = {}): Promise<NodeListResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/nodes', query: { filters: options.filters } }, options);
  }
}
