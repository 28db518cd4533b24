import type { Chunk, StreamName } from '@dockyard/stream';
import type { DockerError } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import type { Docker } from '../docker.js';
import type { Filters } from '../filters.js';
import type { ContainerSummary } from '../generated/engine-api.js';
import type { RetryOptions } from '../retry-policy.js';
import { openEvents } from '../system/events.js';
import { resumeEvents, sinceOf } from '../system/resumable-events.js';
import type { TimeValue } from '../time-value.js';
import { EngineSourceError, asDockerError, failureItem } from './engine-source.js';
import { Merge } from './merge.js';

/** `fleet.logs(options)`. */
export interface FleetLogsOptions extends StreamOptions {
  /** Which containers, as `containers.list` takes them: `{ label: ['app=web'] }`. */
  filters?: Filters;
  /** Keep following, and pick up containers that start later. */
  follow?: boolean;
  /** Default true. */
  stdout?: boolean;
  /** Default true. */
  stderr?: boolean;
  /** Only logs from this time on (for each container's first read). */
  since?: TimeValue;
  /** Only this many lines from the end of each container's logs (its first read). */
  tail?: number | 'all';
  /** Keep the engine's RFC 3339 nano time of each chunk in `timestamp`. */
  timestamps?: boolean;
  /** With `follow`: how reconnection attempts to an engine are spaced. */
  retry?: RetryOptions;
}

/** Which container a fleet log item came from. */
export interface FleetLogContainer {
  id: string;
  /** Its name, without the leading `/`. */
  name: string;
}

/** An item of `fleet.logs()`: a chunk of one container's output, or an engine's (or a container's) failure. */
export type FleetLogItem =
  | { engine: string; container: FleetLogContainer; stream: StreamName; data: Uint8Array; timestamp?: string; error?: undefined }
  | { engine: string; container?: FleetLogContainer; error: DockerError; stream?: undefined; data?: undefined };

/**
 * One engine's part of `fleet.logs()`: a merge of one follower per matching container and,
 * with `follow`, a discovery source that lists matching containers on every (re)connection of
 * the engine's event stream and follows those that start later. A container followed again
 * (restarted, or after the engine came back) resumes after the last chunk seen, by its time.
 */
export function engineLogs(engine: string, docker: Docker, options: FleetLogsOptions, retry: Required<RetryOptions>, signal: AbortSignal): AsyncIterable<FleetLogItem> {
  const merge = new Merge<FleetLogItem>([], { onError: (error) => failureItem(error) });
  const following = new Set<string>();
  const lastSeen = new Map<string, string>();

  const follow = (summary: ContainerSummary): void => {
    const id = summary.Id;
    if (id === undefined || following.has(id)) return;
    following.add(id);
    merge.add(followContainer(engine, docker, summary, options, lastSeen, signal, () => following.delete(id)));
  };

  const listAndFollow = async (all: boolean): Promise<void> => {
    for (const summary of await docker.containers.list({ all, filters: options.filters, signal })) follow(summary);
  };

  // Lists once; the followers it adds carry the items, so it yields none itself.
  const oneShot = (): AsyncIterable<FleetLogItem> => ({
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<FleetLogItem>> => {
        try {
          await listAndFollow(true);
        } catch (error) {
          if (signal.aborted) throw error;
          throw new EngineSourceError(engine, asDockerError(error));
        }
        return { done: true, value: undefined };
      },
    }),
  });

  async function* discover(): AsyncGenerator<FleetLogItem> {
    // The engine narrows starts by label; the list check below applies every filter.
    const label = options.filters?.label;
    const filters: Filters = { type: ['container'], event: ['start'], ...(label === undefined ? {} : { label }) };
    const items = resumeEvents(openEvents(docker.transport, { filters, timeout: options.timeout }), { retry, retryFirst: true }, signal);
    for await (const item of items) {
      try {
        if (item.kind === 'failed') yield { engine, error: item.error };
        // On every connection (the first, and after the engine came back): what runs now.
        else if (item.kind === 'connected') await listAndFollow(false);
        else if (item.kind === 'event') {
          const id = item.event.Actor?.ID;
          if (id === undefined || following.has(id)) continue;
          const matching = await docker.containers.list({ filters: { ...options.filters, id: [id] }, signal });
          for (const summary of matching) follow(summary);
        }
      } catch (error) {
        if (signal.aborted) throw error;
        // The engine went away between the event and the list: its event stream reconnects.
        yield { engine, error: asDockerError(error) };
      }
    }
  }

  merge.add(options.follow === true ? discover() : oneShot());
  return merge;
}

async function* followContainer(
  engine: string,
  docker: Docker,
  summary: ContainerSummary,
  options: FleetLogsOptions,
  lastSeen: Map<string, string>,
  signal: AbortSignal,
  ended: () => void,
): AsyncGenerator<FleetLogItem> {
  const id = summary.Id as string;
  const container: FleetLogContainer = { id, name: (summary.Names?.[0] ?? id).replace(/^\//, '') };
  const previous = lastSeen.get(id);
  try {
    const logs = docker.containers.get(id).logs({
      follow: options.follow,
      stdout: options.stdout,
      stderr: options.stderr,
      timestamps: true,
      since: previous === undefined ? options.since : afterTimestamp(previous),
      tail: previous === undefined ? options.tail : undefined,
      signal,
    });
    for await (const chunk of logs as AsyncIterable<Chunk>) {
      if (chunk.timestamp !== undefined) lastSeen.set(id, chunk.timestamp);
      yield options.timestamps === true
        ? { engine, container, stream: chunk.stream, data: chunk.data, timestamp: chunk.timestamp }
        : { engine, container, stream: chunk.stream, data: chunk.data };
    }
  } catch (error) {
    if (signal.aborted) throw error;
    // This container's stream failed (e.g. its engine went away): say so; the discovery
    // source follows it again once the engine is back.
    yield { engine, container, error: asDockerError(error) };
  } finally {
    ended();
  }
}

/** The engine's `since` for "after this RFC 3339 nano time": its nanosecond + 1 (`since` is inclusive). */
export function afterTimestamp(timestamp: string): string | undefined {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (match === null) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const nanos = BigInt(seconds / 1000) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0')) + 1n;
  return sinceOf(String(nanos));
}
