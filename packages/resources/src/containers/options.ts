import type { Filters } from '../filters.js';
import type { CallOptions, StreamOptions } from '../call-options.js';
import type { TimeValue } from '../time-value.js';

export type { CallOptions, StreamOptions };

/** `docker.containers.create(body, options)`. */
export interface CreateContainerOptions extends CallOptions {
  /** The container's name (`/?[a-zA-Z0-9][a-zA-Z0-9_.-]+`). */
  name?: string;
  /** `os[/arch[/variant]]` of the image to use, on engines with API >= 1.41. */
  platform?: string;
}

/** `docker.containers.list(options)`. */
export interface ListContainersOptions extends CallOptions {
  /** Include stopped containers (the engine shows only running ones by default). */
  all?: boolean;
  limit?: number;
  /** Include `SizeRw` and `SizeRootFs`. */
  size?: boolean;
  filters?: Filters;
}

/** `docker.containers.prune(options)`. */
export interface PruneOptions extends CallOptions {
  filters?: Filters;
}

/** `container.stop(options)` and `container.restart(options)`. */
export interface StopOptions extends CallOptions {
  /** Seconds to wait before killing the container. */
  timeout?: number;
}

/** `container.kill(options)`. */
export interface KillOptions {
  /** The signal to send, by name (`'SIGKILL'`, `'HUP'`) or number. Default `SIGKILL`. */
  signal?: string | number;
}

/** `container.wait(options)`. */
export interface WaitOptions extends CallOptions {
  condition?: 'not-running' | 'next-exit' | 'removed';
}

/** `container.remove(options)`. */
export interface RemoveContainerOptions extends CallOptions {
  /** Kill a running container first. */
  force?: boolean;
  /** Remove its anonymous volumes too. */
  volumes?: boolean;
  /** Remove the link, not the container (legacy links). */
  link?: boolean;
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
export interface StatsOptions extends StreamOptions {
  /** Skip the pre-read that fills the CPU delta of the first sample (faster first sample). */
  oneShot?: boolean;
}

/** A terminal size. */
export interface TtySize {
  /** Rows. */
  h: number;
  /** Columns. */
  w: number;
}

/** `container.attach(options)`. */
export interface AttachOptions extends CallOptions {
  stdin?: boolean;
  /** Default true. */
  stdout?: boolean;
  /** Default true. */
  stderr?: boolean;
  /** Also send what the container wrote before attaching (the engine's `logs=1`). */
  logs?: boolean;
  /** Key sequence that detaches, e.g. `'ctrl-p,ctrl-q'`. */
  detachKeys?: string;
}

/** `container.top(options)`. */
export interface TopOptions extends CallOptions {
  /** Arguments to `ps`, e.g. `'aux'`. */
  psArgs?: string;
}
