import type { CallOptions, StreamOptions } from '../call-options.js';
import type {
  ContainerAttachQuery,
  ContainerCreateQuery,
  ContainerDeleteQuery,
  ContainerInspectQuery,
  ContainerListQuery,
  ContainerPruneQuery,
  ContainerStartQuery,
  ContainerStatsQuery,
  ContainerTopQuery,
  ContainerWaitQuery,
} from '../generated/engine-api.js';
import type { QueryOptions } from '../operation/query-options.js';
import type { TimeValue } from '../time-value.js';

/** `docker.containers.create(body, options)`: `name`, `platform`. */
export interface CreateContainerOptions extends CallOptions, QueryOptions<ContainerCreateQuery> {}

/** `docker.containers.list(options)`: `all`, `limit`, `size`, `filters`. */
export interface ListContainersOptions extends CallOptions, QueryOptions<ContainerListQuery> {}

/** `docker.containers.prune(options)`. */
export interface PruneContainersOptions extends CallOptions, QueryOptions<ContainerPruneQuery> {}

/** `container.inspect(options)`: `size`. */
export interface InspectContainerOptions extends CallOptions, QueryOptions<ContainerInspectQuery> {}

/** `container.start(options)`: `detachKeys`. */
export interface StartContainerOptions extends CallOptions, QueryOptions<ContainerStartQuery> {}

/**
 * The engine names two parameters of kill, stop and restart `signal` and `t`; here `signal`
 * is the engine's (a signal name or number) and `timeout` its `t` in seconds, as the docker
 * CLI names them, so the call's own `AbortSignal` is `abortSignal`. These calls have no
 * deadline of their own: the engine answers within `timeout` seconds (stop) or at once (kill).
 */
export interface SignalledCallOptions {
  /** Aborting it cancels the request; the call rejects with `AbortError`. */
  abortSignal?: AbortSignal;
}

/** `container.stop(options)` and `container.restart(options)`. */
export interface StopOptions extends SignalledCallOptions {
  /** Seconds to wait before killing the container (the engine's `t`; its default 10). */
  timeout?: number;
  /** The signal to stop with, by name or number (API 1.42+); default the container's `StopSignal`. */
  signal?: string | number;
}

/** `container.kill(options)`. */
export interface KillOptions extends SignalledCallOptions {
  /** The signal to send, by name (`'SIGKILL'`, `'HUP'`) or number. Default `SIGKILL`. */
  signal?: string | number;
}

/**
 * `container.wait(options)`: `condition`. Waiting has no deadline unless `timeout` is set;
 * then `TimeoutError` when the condition is not reached within it.
 */
export interface WaitOptions extends CallOptions, QueryOptions<ContainerWaitQuery> {}

/** `container.remove(options)`. */
export interface RemoveContainerOptions extends CallOptions, Omit<QueryOptions<ContainerDeleteQuery>, 'v'> {
  /** Remove its anonymous volumes too (the engine's `v`). */
  volumes?: boolean;
  /** The engine's name for `volumes`; either may be used. */
  v?: boolean;
}

/** `container.logs(options)`. */
export interface LogsOptions extends StreamOptions {
  /** Keep streaming as the container writes; ends when the container stops. */
  follow?: boolean;
  /** Default true. */
  stdout?: boolean;
  /** Default true. */
  stderr?: boolean;
  since?: TimeValue;
  until?: TimeValue;
  /** Prefix every line with its RFC 3339 nano time, split off into `timestamp`. */
  timestamps?: boolean;
  /** Only this many lines from the end (`'all'` by default). */
  tail?: number | 'all';
}

/** `container.stats(options)`. */
export interface StatsOptions extends StreamOptions, Omit<QueryOptions<ContainerStatsQuery>, 'stream' | 'one-shot'> {
  /** Skip the pre-read that fills the CPU delta of the first sample (the engine's `one-shot`). */
  oneShot?: boolean;
}

/** `container.statsOnce(options)`. */
export interface StatsOnceOptions extends CallOptions {
  /** Skip the pre-read that fills the CPU delta (faster, with empty `precpu_stats`): the engine's `one-shot`. */
  oneShot?: boolean;
}

/** A terminal size. */
export interface TtySize {
  /** Rows. */
  h: number;
  /** Columns. */
  w: number;
}

/**
 * `container.attach(options)`: the engine's attach parameters. `stdout` and `stderr` default
 * to true. `stream` defaults to true, except for a container that has exited, where it
 * defaults to false: attaching to one then gives what `logs` asks for and ends, instead of
 * waiting for a restart.
 */
export interface AttachOptions extends StreamOptions, QueryOptions<ContainerAttachQuery> {}

/** `container.top(options)`. */
export interface TopOptions extends CallOptions, Omit<QueryOptions<ContainerTopQuery>, 'ps_args'> {
  /** Arguments to `ps`, e.g. `'aux'` (the engine's `ps_args`). */
  psArgs?: string;
}
