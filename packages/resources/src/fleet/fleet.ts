import type { DockerError } from '@dockyard/transport';
import { Docker, type DockerOptions } from '../docker.js';
import type { ListContainersOptions } from '../containers/options.js';
import type { ContainerSummary } from '../generated/engine-api.js';
import { LazyStream } from '../lazy-stream.js';
import { retryPolicy } from '../retry-policy.js';
import { type DockerEvent, type EventsOptions, type ReconnectedEvent, openEvents } from '../system/events.js';
import { resumeEvents } from '../system/resumable-events.js';
import { encodeTime } from '../time-value.js';
import { EngineSourceError, asDockerError, failureItem } from './engine-source.js';
import { FleetError } from './fleet-error.js';
import { type FleetLogItem, type FleetLogsOptions, engineLogs } from './fleet-logs.js';
import { Merge } from './merge.js';

/** An item of `fleet.events()`: an event of one engine, or one engine's failure. */
export type FleetEvent =
  | { engine: string; event: DockerEvent | ReconnectedEvent; error?: undefined }
  | { engine: string; error: DockerError; event?: undefined };

/** `fleet.events(options)`: as `docker.events`, with `reconnect` on unless set to false. */
export interface FleetEventsOptions extends EventsOptions {
  /**
   * Default `true`: each engine's stream reconnects after drops and restarts, and an engine
   * that is down at the start is waited for; every failed attempt is yielded as
   * `{ engine, error }`. `false`: an engine's failure is yielded once and that engine's stream
   * ends; the others go on.
   */
  reconnect?: boolean;
}

/** A container summary tagged with the engine it runs on. */
export type FleetContainerSummary = ContainerSummary & { engine: string };

/**
 * Many engines as one: events and logs merged in arrival order, each item tagged with its
 * engine's name, and lists across engines. One engine failing never ends a fleet stream: its
 * failure is yielded as `{ engine, error }`, it is retried, the others go on. Cancelling a
 * fleet stream (`break`, `signal`, `await using`) closes every engine's socket.
 *
 * @example
 * ```ts
 * const fleet = new Fleet({ a: Docker.fromEnv(), b: new Docker({ host: 'ssh://me@build-2' }) });
 * for await (const { engine, event, error } of fleet.events({ filters: { type: ['container'] } })) {
 *   if (error) console.warn(engine, 'is unreachable:', error.message);
 *   else console.log(engine, event.Action, event.Actor?.ID);
 * }
 * ```
 */
export class Fleet implements AsyncDisposable {
  /** The engines by name. */
  readonly engines: ReadonlyMap<string, Docker>;
  /** Containers across the fleet. */
  readonly containers: FleetContainers;

  constructor(engines: Record<string, Docker> | ReadonlyMap<string, Docker>) {
    const entries = engines instanceof Map ? [...engines] : Object.entries(engines as Record<string, Docker>);
    if (entries.length === 0) throw new TypeError('A fleet needs at least one engine.');
    this.engines = new Map(entries);
    this.containers = new FleetContainers(this.engines);
  }

  /**
   * A fleet of docker contexts by name (as `docker context ls` shows them; `default` is the
   * default socket), each resolved like `DOCKER_CONTEXT=<name>` would be, ignoring DOCKER_HOST.
   * Throws `ConnectionError` for a context that does not exist.
   */
  static fromContexts(names: readonly string[], options: Omit<DockerOptions, 'host'> = {}): Fleet {
    const env = { ...(options.env ?? process.env) };
    delete env.DOCKER_HOST;
    return new Fleet(new Map(names.map((name) => [name, new Docker({ ...options, env: { ...env, DOCKER_CONTEXT: name } })])));
  }

  /**
   * Every engine's events as `{ engine, event }`, merged in arrival order; with `reconnect`
   * (the default) each engine's stream outlives its restarts, marking each with a
   * {@link ReconnectedEvent}, and failures come as `{ engine, error }` between attempts.
   */
  events(options: FleetEventsOptions = {}): LazyStream<FleetEvent> {
    const reconnect = options.reconnect !== false;
    const retry = retryPolicy(options.retry);
    const since = encodeTime(options.since);
    const until = encodeTime(options.until);
    return new LazyStream(async (signal) => {
      const sources = [...this.engines].map(([engine, docker]) =>
        reconnect
          ? taggedEvents(engine, resumeEvents(openEvents(docker.transport, options), { since, until, retry, retryFirst: true }, signal), signal)
          : onceEvents(engine, docker, options, signal),
      );
      return new Merge<FleetEvent>(sources, { onError: (error) => failureItem(error) });
    }, options);
  }

  /**
   * The logs of every container matching `filters` on every engine, as
   * `{ engine, container, stream, data }`. With `follow`, new matching containers are found
   * through their `start` events and followed too (a restarted one from where it stopped),
   * and engines reconnect as in {@link Fleet.events}; without it, the logs so far of every
   * matching container (running or not), then the end.
   */
  logs(options: FleetLogsOptions = {}): LazyStream<FleetLogItem> {
    const retry = retryPolicy(options.retry);
    return new LazyStream(async (signal) => {
      const sources = [...this.engines].map(([engine, docker]) => engineLogs(engine, docker, options, retry, signal));
      return new Merge<FleetLogItem>(sources, { onError: (error) => failureItem(error) });
    }, options);
  }

  /** Closes every engine's pooled connections. */
  async close(): Promise<void> {
    await Promise.all([...this.engines.values()].map((docker) => docker.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** `fleet.containers`: lists across engines. */
export class FleetContainers {
  readonly #engines: ReadonlyMap<string, Docker>;

  constructor(engines: ReadonlyMap<string, Docker>) {
    this.#engines = engines;
  }

  /**
   * `GET /containers/json` on every engine at once: the summaries tagged with their engine
   * (`[{ engine: 'a', ...ContainerSummary }, ...]`), in fleet order. If some engines fail,
   * rejects with {@link FleetError} naming them, the others' summaries in its `results`.
   */
  async list(options: ListContainersOptions = {}): Promise<FleetContainerSummary[]> {
    const settled = await Promise.allSettled([...this.#engines].map(async ([engine, docker]) => (await docker.containers.list(options)).map((c) => ({ engine, ...c }))));
    const names = [...this.#engines.keys()];
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
    const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ engine: names[i] as string, error: s.reason as unknown }] : []));
    if (failures.length > 0) throw new FleetError(failures, results);
    return results;
  }
}

async function* taggedEvents(engine: string, items: ReturnType<typeof resumeEvents>, signal: AbortSignal): AsyncGenerator<FleetEvent> {
  try {
    for await (const item of items) {
      if (item.kind === 'failed') yield { engine, error: item.error };
      else if (item.kind !== 'connected') yield { engine, event: item.event };
    }
  } catch (error) {
    if (signal.aborted) throw error;
    throw new EngineSourceError(engine, asDockerError(error));
  }
}

async function* onceEvents(engine: string, docker: Docker, options: EventsOptions, signal: AbortSignal): AsyncGenerator<FleetEvent> {
  try {
    for await (const event of docker.events({ ...options, reconnect: false, signal })) yield { engine, event };
  } catch (error) {
    if (signal.aborted) throw error;
    throw new EngineSourceError(engine, asDockerError(error));
  }
}
