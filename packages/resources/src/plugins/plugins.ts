import type { ProgressMessage } from '@dockyard/stream';
import { enginePath, type Transport } from '@dockyard/transport';
import { registryAuthHeader } from '../auth/auth-header.js';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';
import type { RegistryAuth } from '../auth/registry-auth.js';
import { packContext } from '../build/pack-context.js';
import type { CallOptions, StreamOptions } from '../call-options.js';
import type {
  PluginDeleteQuery,
  PluginDisableQuery,
  PluginEnableQuery,
  PluginInspectResponse,
  PluginListQuery,
  PluginListResponse,
  PluginPrivilege,
  PluginSetBody,
} from '../generated/engine-api.js';
import type { TarSource } from '../images/transfer.js';
import { type Operation, callJson, callUnit, streamProgress } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';
import type { ProgressStream } from '../progress-stream.js';
import { PluginPrivilegesRefusedError } from './errors.js';

/** Decides whether a plugin may have the privileges it asks for: true installs it, false refuses. */
export type GrantPrivileges = (privileges: PluginPrivilege[], remote: string) => boolean | Promise<boolean>;

/** `docker.plugins.install(remote, options)`. */
export interface InstallPluginOptions extends StreamOptions {
  /** The local name (`name` query); default: the remote reference. */
  alias?: string;
  /**
   * Sees the privileges the plugin asks for and accepts or refuses them. Without it, a
   * plugin that asks for any privilege is refused ({@link PluginPrivilegesRefusedError}).
   */
  grant?: GrantPrivileges;
  /** Registry credentials; omitted, they come from `$DOCKER_CONFIG/config.json` as for pull. */
  auth?: RegistryAuth;
}

/** `plugin.upgrade(remote, options)`: as install, without an alias (the plugin keeps its name). */
export type UpgradePluginOptions = Omit<InstallPluginOptions, 'alias'>;

/** `plugin.push(options)`. */
export interface PushPluginOptions extends StreamOptions {
  /** Registry credentials; omitted, they come from `$DOCKER_CONFIG/config.json` as for push. */
  auth?: RegistryAuth;
}

/** What `plugin.push().done()` resolves with: the pushed manifest's digest, when the engine reported one. */
export interface PluginPushResult {
  digest: string | undefined;
}

/** `plugin.enable(options)`. */
export interface EnablePluginOptions extends CallOptions {
  /**
   * Seconds the engine waits for the plugin to start (the query's `timeout`, renamed: the
   * SDK's `timeout` is the call's own deadline in milliseconds). Default 30, as the docker
   * CLI sends it: engines refuse an enable without it.
   */
  startTimeout?: PluginEnableQuery['timeout'];
}
/** `plugin.disable(options)`. */
export interface DisablePluginOptions extends CallOptions, QueryOptions<PluginDisableQuery> {}
/** `plugin.remove(options)`. */
export interface RemovePluginOptions extends CallOptions, QueryOptions<PluginDeleteQuery> {}
/** `docker.plugins.list(options)`. */
export interface ListPluginsOptions extends CallOptions, QueryOptions<PluginListQuery> {}
/** `docker.plugins.privileges(remote, options)`. */
export interface PluginPrivilegesOptions extends CallOptions {
  auth?: RegistryAuth;
}

type Store = CredentialStoreOptions;

/** `GET /plugins/privileges` then `grant`: the operation that pulls (or upgrades) with the granted privileges. */
async function granted(
  transport: Transport,
  store: Store,
  remote: string,
  options: UpgradePluginOptions,
  signal: AbortSignal,
  op: (privileges: PluginPrivilege[], headers: Record<string, string>) => Operation,
): Promise<Operation> {
  const headers = await registryAuthHeader(remote, options.auth, store);
  const privileges = await callJson<PluginPrivilege[] | null>(transport, { method: 'GET', path: '/plugins/privileges', query: { remote }, headers }, { signal });
  const asked = privileges ?? [];
  if (asked.length > 0) {
    if (!options.grant) throw new PluginPrivilegesRefusedError(remote, asked, 'it asks for privileges and no `grant` was given');
    if ((await options.grant(asked, remote)) !== true) throw new PluginPrivilegesRefusedError(remote, asked, '`grant` refused its privileges');
  }
  return op(asked, headers);
}

/**
 * A lazy handle on an installed plugin by name (`vol` means `vol:latest`) or ID.
 *
 * @example
 * ```ts
 * const p = docker.plugins.get('vol');
 * await p.configure(['DEBUG=1']);
 * await p.enable();
 * console.log((await p.inspect()).Enabled);
 * ```
 */
export class Plugin {
  /** The plugin's name or ID, as the handle was made. */
  readonly name: string;
  readonly #transport: Transport;
  readonly #store: Store;

  /** @internal Use `docker.plugins.get(name)`. */
  constructor(transport: Transport, name: string, store: Store = {}) {
    if (!name) throw new TypeError('A plugin name or ID is required.');
    this.#transport = transport;
    this.name = name;
    this.#store = store;
  }

  /** `GET /plugins/{name}/json`. */
  inspect(options: CallOptions = {}): Promise<PluginInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/plugins/${this.name}/json` }, options);
  }

  /** `POST /plugins/{name}/enable`: starts the plugin, which must then answer on its socket. */
  enable(options: EnablePluginOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/plugins/${this.name}/enable`, query: { timeout: options.startTimeout ?? 30 } }, options);
  }

  /** `POST /plugins/{name}/disable` (`force` even while in use). */
  disable(options: DisablePluginOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/plugins/${this.name}/disable`, query: { force: options.force } }, options);
  }

  /** `POST /plugins/{name}/set`: settings as `KEY=value` (env), `mount.source=…`, `device.path=…` or `arg=…`; the plugin must be disabled. */
  configure(settings: PluginSetBody, options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/plugins/${this.name}/set`, body: settings }, options);
  }

  /**
   * `POST /plugins/{name}/upgrade?remote=…`: a disabled plugin to the version at `remote`,
   * after its privileges were fetched and given to `grant` (as install does).
   */
  upgrade(remote: string, options: UpgradePluginOptions = {}): ProgressStream<ProgressMessage, void> {
    const path = enginePath`/plugins/${this.name}/upgrade`;
    return streamProgress(
      this.#transport,
      (signal) => granted(this.#transport, this.#store, remote, options, signal, (body, headers) => ({ method: 'POST', path, query: { remote }, body, headers })),
      () => undefined,
      options,
    );
  }

  /** `POST /plugins/{name}/push`: pushes the plugin to the registry its name names. */
  push(options: PushPluginOptions = {}): ProgressStream<ProgressMessage, PluginPushResult> {
    return streamProgress(
      this.#transport,
      async () => ({
        method: 'POST',
        path: enginePath`/plugins/${this.name}/push`,
        headers: await registryAuthHeader(this.name, options.auth, { ...this.#store, required: true }),
      }),
      ({ aux, last }) => {
        const withDigest = aux.filter((a): a is { Digest: string } => typeof a === 'object' && a !== null && typeof (a as { Digest?: unknown }).Digest === 'string').at(-1);
        return { digest: withDigest?.Digest ?? last?.status?.match(/digest: (sha256:[0-9a-f]{64})/)?.[1] };
      },
      options,
    );
  }

  /** `DELETE /plugins/{name}` (`force` even while enabled). */
  remove(options: RemovePluginOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'DELETE', path: enginePath`/plugins/${this.name}`, query: { force: options.force } }, options);
  }
}

/**
 * `docker.plugins`: install (privileges asked, then granted or refused), create, list, and
 * lazy handles.
 *
 * @example
 * ```ts
 * const install = docker.plugins.install('127.0.0.1:5000/me/vol:1', { alias: 'vol', grant: (privileges) => true });
 * for await (const p of install) console.log(p.status);
 * const plugin = await install.done();
 * await plugin.enable();
 * ```
 */
export class Plugins {
  readonly #transport: Transport;
  readonly #store: Store;

  /** @internal Use `docker.plugins`. */
  constructor(transport: Transport, store: Store = {}) {
    this.#transport = transport;
    this.#store = store;
  }

  /** A lazy handle on a plugin. */
  get(name: string): Plugin {
    return new Plugin(this.#transport, name, this.#store);
  }

  /** `GET /plugins`. */
  list(options: ListPluginsOptions = {}): Promise<PluginListResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/plugins', query: { filters: options.filters } }, options);
  }

  /** `GET /plugins/privileges?remote=…`: what a plugin would ask for, without installing it. */
  async privileges(remote: string, options: PluginPrivilegesOptions = {}): Promise<PluginPrivilege[]> {
    const privileges = await callJson<PluginPrivilege[] | null>(
      this.#transport,
      async () => ({ method: 'GET', path: '/plugins/privileges', query: { remote }, headers: await registryAuthHeader(remote, options.auth, this.#store) }),
      options,
    );
    return privileges ?? [];
  }

  /**
   * `GET /plugins/privileges`, `grant`, then `POST /plugins/pull`: a progress stream whose
   * `done()` resolves with a handle on the installed (disabled) plugin. Refused privileges
   * reject with {@link PluginPrivilegesRefusedError} before anything is pulled.
   */
  install(remote: string, options: InstallPluginOptions = {}): ProgressStream<ProgressMessage, Plugin> {
    return streamProgress(
      this.#transport,
      (signal) =>
        granted(this.#transport, this.#store, remote, options, signal, (body, headers) => ({
          method: 'POST',
          path: '/plugins/pull',
          query: { remote, name: options.alias },
          body,
          headers,
        })),
      () => new Plugin(this.#transport, options.alias ?? remote, this.#store),
      options,
    );
  }

  /**
   * `POST /plugins/create?name=…`: a plugin from a directory holding `config.json` and
   * `rootfs/` (packed as a build context is: links kept, nothing outside followed), or from
   * a tar of them. Resolves with a handle on the new (disabled) plugin.
   */
  async create(name: string, dirOrTar: string | TarSource, options: CallOptions = {}): Promise<Plugin> {
    const body = typeof dirOrTar === 'string' ? packContext(dirOrTar, { signal: options.signal }) : dirOrTar;
    await callUnit(this.#transport, { method: 'POST', path: '/plugins/create', query: { name }, body, headers: { 'Content-Type': 'application/x-tar' } }, options);
    return new Plugin(this.#transport, name, this.#store);
  }
}
