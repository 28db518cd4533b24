import type { Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type {
  SwarmInitBody,
  SwarmInitResponse,
  SwarmInspectResponse,
  SwarmJoinBody,
  SwarmLeaveQuery,
  SwarmUnlockBody,
  SwarmUnlockkeyResponse,
  SwarmUpdateBody,
  SwarmUpdateQuery,
} from '../generated/engine-api.js';
import { callJson, callUnit } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `docker.swarm.leave(options)`. */
export interface LeaveSwarmOptions extends CallOptions, QueryOptions<SwarmLeaveQuery> {}

/** `docker.swarm.update(spec, options)`: `version` is the swarm's `Version.Index` the update is based on. */
export interface UpdateSwarmOptions extends CallOptions, QueryOptions<SwarmUpdateQuery> {}

/**
 * `docker.swarm`: swarm mode of the engine this client talks to (one swarm per engine, so no
 * handles): init, join, leave, inspect, update, and the unlock key of an autolocked swarm.
 *
 * @example
 * ```ts
 * const nodeId = await docker.swarm.init({ AdvertiseAddr: '127.0.0.1', ListenAddr: '0.0.0.0:2377' });
 * const { Version, Spec } = await docker.swarm.inspect();
 * await docker.swarm.update({ ...Spec, EncryptionConfig: { AutoLockManagers: true } }, { version: Version!.Index! });
 * const { UnlockKey } = await docker.swarm.unlockKey();
 * await docker.swarm.leave({ force: true });
 * ```
 */
export class Swarm {
  readonly #transport: Transport;

  /** @internal Use `docker.swarm`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * `POST /swarm/init`: makes this engine the first manager of a new swarm; resolves with its
   * node ID. `ListenAddr` defaults to `0.0.0.0:2377`, as the docker CLI's `--listen-addr` does.
   */
  init(body: SwarmInitBody = {}, options: CallOptions = {}): Promise<SwarmInitResponse> {
    return callJson(this.#transport, { method: 'POST', path: '/swarm/init', body: { ListenAddr: '0.0.0.0:2377', ...body } }, options);
  }

  /** `POST /swarm/join`: joins an existing swarm as a worker or manager (the token says which). */
  join(body: SwarmJoinBody, options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: '/swarm/join', body }, options);
  }

  /** `POST /swarm/leave`: `force` is needed for the last manager (it ends the swarm). */
  leave(options: LeaveSwarmOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: '/swarm/leave', query: { force: options.force } }, options);
  }

  /** `GET /swarm`: the swarm's spec, version, join tokens (managers only). */
  inspect(options: CallOptions = {}): Promise<SwarmInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/swarm' }, options);
  }

  /**
   * `POST /swarm/update?version=…`: replaces the swarm's spec. A `version` other than the
   * current one is refused by the engine (another write came first): inspect again and retry.
   */
  update(spec: SwarmUpdateBody, options: UpdateSwarmOptions): Promise<void> {
    const { version, rotateWorkerToken, rotateManagerToken, rotateManagerUnlockKey } = options;
    return callUnit(
      this.#transport,
      { method: 'POST', path: '/swarm/update', query: { version, rotateWorkerToken, rotateManagerToken, rotateManagerUnlockKey }, body: spec },
      options,
    );
  }

  /** `GET /swarm/unlockkey`: the key that unlocks an autolocked swarm after a manager restarts. */
  unlockKey(options: CallOptions = {}): Promise<SwarmUnlockkeyResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/swarm/unlockkey' }, options);
  }

  /** `POST /swarm/unlock`: unlocks a locked manager with its unlock key. */
  unlock(body: SwarmUnlockBody, options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: '/swarm/unlock', body }, options);
  }
}
