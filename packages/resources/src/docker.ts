import { Transport, type TransportOptions } from '@dockyard/transport';
import type { CallOptions } from './call-options.js';
import { Containers } from './containers/containers.js';
import type { SystemInfo, SystemVersion } from './generated/engine-api.js';
import { callJson, callUnit } from './operation/handlers.js';
import { needs } from './operation/version-gate.js';
import type { DiskUsage, DiskUsageOptions } from './system/disk-usage.js';
import { Images } from './images/images.js';
import { Networks } from './networks/networks.js';
import { Volumes } from './volumes/volumes.js';
import { Swarm } from './swarm/swarm.js';
import { Nodes } from './nodes/nodes.js';
import { Services } from './services/services.js';
import { Tasks } from './tasks/tasks.js';
import { Secrets } from './secrets/secrets.js';
import { Configs } from './configs/configs.js';
import { Plugins } from './plugins/plugins.js';
import { BuildCache } from './system/build-cache.js';
import { login } from './system/login.js';
import type { SystemAuthBody, SystemAuthResponse } from './generated/engine-api.js';
import type { LazyStream } from './lazy-stream.js';
import { type RunOptions, type RunResult, run } from './run.js';
import { type DockerEvent, type EventsOptions, type ReconnectedEvent, type ReconnectingEventsOptions, events } from './system/events.js';

/** Options of `new Docker(options)`: where the engine is and how to talk to it. */
export type DockerOptions = TransportOptions;

/**
 * The client. Finds the engine like the docker CLI does, negotiates the API version on the
 * first request, and keeps connections alive until {@link Docker.close}.
 *
 * @example
 * ```ts
 * import { Docker } from 'dockyard';
 * const docker = Docker.fromEnv();
 * const { stdout } = await docker.run('busybox', ['echo', 'hi'], { remove: true });
 * await docker.close();
 * ```
 */
export class Docker implements AsyncDisposable {
  /** The transport below: endpoint, version negotiation, raw requests and hijacks. */
  readonly transport: Transport;
  /** Containers: create, get, list, prune. */
  readonly containers: Containers;
  /** Images: pull, push, build, get, list, prune, save, load, import, search. */
  readonly images: Images;
  /** Volumes: create, get, list, prune. */
  readonly volumes: Volumes;
  /** Networks: create, get (connect, disconnect), list, prune. */
  readonly networks: Networks;
  /** Swarm mode: init, join, leave, inspect, update, unlock key, unlock. */
  readonly swarm: Swarm;
  /** Swarm nodes: get (inspect, update, remove), list. */
  readonly nodes: Nodes;
  /** Swarm services: create, get (inspect, update, rollback, logs, converge, remove), list. */
  readonly services: Services;
  /** Swarm tasks: get (inspect, logs), list. */
  readonly tasks: Tasks;
  /** Swarm secrets: create, get (inspect, update, remove), list. */
  readonly secrets: Secrets;
  /** Swarm configs: create, get (inspect, update, remove), list. */
  readonly configs: Configs;
  /** Plugins: install, create, get (inspect, enable, disable, configure, upgrade, push, remove), list. */
  readonly plugins: Plugins;
  /** The builder's cache: prune. */
  readonly buildCache: BuildCache;

  constructor(options: DockerOptions = {}) {
    this.transport = new Transport(options);
    this.containers = new Containers(this.transport);
    // Registry credentials come from the configuration directory the endpoint was found with,
    // fixed at construction: a later change of DOCKER_CONFIG does not split the two.
    this.images = new Images(this.transport, { configDir: this.transport.configDir });
    this.volumes = new Volumes(this.transport);
    this.networks = new Networks(this.transport);
    this.swarm = new Swarm(this.transport);
    this.nodes = new Nodes(this.transport);
    this.services = new Services(this.transport, { configDir: this.transport.configDir });
    this.tasks = new Tasks(this.transport);
    this.secrets = new Secrets(this.transport);
    this.configs = new Configs(this.transport);
    this.plugins = new Plugins(this.transport, { configDir: this.transport.configDir });
    this.buildCache = new BuildCache(this.transport);
  }

  /**
   * A client configured from the environment, with the docker CLI's precedence: DOCKER_HOST
   * (with DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), DOCKER_API_VERSION, DOCKER_CONTEXT, the
   * current context of `$DOCKER_CONFIG/config.json`, then the default socket. The environment
   * is read once, here: the endpoint, the API version and the configuration directory (registry
   * credentials) do not follow later changes of `process.env`.
   */
  static fromEnv(options: Omit<DockerOptions, 'host'> = {}): Docker {
    return new Docker(options);
  }

  /** The negotiated (or pinned) API version, once a request was made. */
  get apiVersion(): string | undefined {
    return this.transport.apiVersion;
  }

  /** `GET /_ping` (unversioned; `method: 'HEAD'` for `HEAD /_ping`, no body): resolves true, or throws `ConnectionError` saying what to check. */
  async ping(options: CallOptions & { method?: 'GET' | 'HEAD' } = {}): Promise<true> {
    await callUnit(this.transport, { method: options.method ?? 'GET', path: '/_ping', versioned: false }, options);
    return true;
  }

  /** `GET /version`. */
  version(options: CallOptions = {}): Promise<SystemVersion> {
    return callJson(this.transport, { method: 'GET', path: '/version' }, options);
  }

  /** `GET /info`. */
  info(options: CallOptions = {}): Promise<SystemInfo> {
    return callJson(this.transport, { method: 'GET', path: '/info' }, options);
  }

  /**
   * `GET /system/df`: disk usage by images, containers, volumes and build cache; `type`
   * (API 1.42+) limits it to some of them. No deadline unless `timeout` is set: summing
   * sizes takes long on a full disk.
   */
  df(options: DiskUsageOptions = {}): Promise<DiskUsage> {
    return callJson(
      this.transport,
      {
        method: 'GET',
        path: '/system/df',
        query: { type: options.type, verbose: options.verbose },
        needs: needs(options, { type: '1.42', verbose: '1.52' }),
        slow: true,
      },
      options,
    );
  }

  /**
   * `POST /auth`: checks credentials against a registry; rejects (`UnauthorizedError` or the
   * engine's error) on wrong ones, never with the password in the error.
   *
   * @example
   * ```ts
   * await docker.login({ username: 'me', password, serveraddress: '127.0.0.1:5000' });
   * ```
   */
  login(auth: SystemAuthBody, options: CallOptions = {}): Promise<SystemAuthResponse> {
    return login(this.transport, auth, options);
  }

  /**
   * `GET /events`: a typed event stream; `break`, a `signal` or `await using` stops it.
   * With `reconnect: true` it outlives dropped connections and engine restarts, yielding a
   * {@link ReconnectedEvent} marker per reconnection (see there what to reconcile).
   *
   * @example
   * ```ts
   * for await (const ev of docker.events({ filters: { type: ['container'], event: ['die'] } })) {
   *   console.log(ev.Actor?.ID, ev.Action);
   * }
   * for await (const ev of docker.events({ reconnect: true, signal })) {
   *   if (ev.Type === 'dockyard' && ev.Action === 'reconnected') { } // the engine came back: reconcile
   * }
   * ```
   */
  events(options: ReconnectingEventsOptions): LazyStream<DockerEvent | ReconnectedEvent>;
  events(options?: EventsOptions): LazyStream<DockerEvent>;
  events(options: EventsOptions = {}): LazyStream<DockerEvent | ReconnectedEvent> {
    return events(this.transport, options);
  }

  /**
   * Runs a command to completion, for CI runners: creates the container (pulling the image
   * if missing), streams its output, waits, and removes it with `remove: true`. A non-zero
   * exit throws `ContainerError` unless `check: false`.
   */
  run(image: string, cmd?: string[], options: RunOptions = {}): Promise<RunResult> {
    return run(this.containers, this.images, image, cmd, options);
  }

  /** Closes pooled connections; a process holding only a closed client exits at once. */
  close(): Promise<void> {
    return this.transport.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
