import type { Transport } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import type { Filters } from '../filters.js';
import type { EventMessage } from '../generated/engine-api.js';
import { LazyStream } from '../lazy-stream.js';
import { type Operation, openJsonStream, streamJson } from '../operation/handlers.js';
import { type RetryOptions, retryPolicy } from '../retry-policy.js';
import { type TimeValue, encodeTime } from '../time-value.js';
import { type OpenEvents, resumeEvents } from './resumable-events.js';

/** `docker.events(options)`. */
export interface EventsOptions extends StreamOptions {
  /**
   * Replay events from this time on. The engine replays from its buffer of the last 256
   * events (`eventsLimit` in moby's daemon/events), so older ones are gone.
   */
  since?: TimeValue;
  /**
   * Stop at this time (the engine's clock decides): the stream then ends by itself. With
   * `reconnect`, a connection the engine ends cleanly is taken as `until` reached (an engine
   * shutting down drops its connections instead, which is reconnected).
   */
  until?: TimeValue;
  /** E.g. `{ type: ['container'], event: ['die'], label: ['app=web'] }`. */
  filters?: Filters;
  /**
   * Outlive dropped connections and engine restarts: see {@link ReconnectedEvent}. Only the
   * first connection is not retried (its failure throws, so a wrong host or a missing
   * permission is seen at once); once connected, only an abort, `break`, `await using`,
   * `until` or an error the engine gave on purpose (a wrong filter's 400) ends the stream.
   */
  reconnect?: boolean;
  /** With `reconnect`: how reconnection attempts are spaced (capped exponential backoff). */
  retry?: RetryOptions;
}

/**
 * An engine event as dockyard yields it: the engine's JSON untouched, except `timeNano`,
 * which is a **string** of the engine's exact digits. As a JSON number it would lose
 * precision (1796163615580003033 arrives as 1796163615580003000: a double keeps 53 bits), and
 * resuming with `since` from a rounded value duplicates or drops events. A string rather than
 * a `bigint` because events are logged and shipped as JSON, and `JSON.stringify` throws on a
 * bigint; `BigInt(ev.timeNano)` gives the number for arithmetic.
 */
export interface DockerEvent extends Omit<EventMessage, 'timeNano'> {
  /** Timestamp of the event in nanoseconds since the Unix epoch, as the engine's exact decimal digits. */
  timeNano?: string;
}

/**
 * The marker a `reconnect: true` event stream yields once per reconnection, after the engine
 * answered again and before any event of the new connection.
 *
 * What to reconcile: the stream resumed with `since` = the last yielded event's `timeNano`,
 * so every event the engine still holds was replayed (and none twice). But events that
 * happened while the engine was down or restarting are gone with it (a restarted engine's
 * buffer starts empty, and it keeps only 256), e.g. a container that died while the
 * daemon restarted. After this marker, re-read the state you track (`containers.list()`,
 * inspect) instead of trusting the events alone.
 */
export interface ReconnectedEvent {
  Type: 'dockyard';
  Action: 'reconnected';
  Actor: {
    /** Always `''`: the marker is about the stream, not an object. */
    ID: string;
    Attributes: {
      /** The `since` the stream resumed with (`seconds.nanoseconds`, or `''` when it had nothing to resume from). */
      since: string;
      /** Failed attempts before this one succeeded, as a decimal string. */
      attempts: string;
      /** What ended the previous connection (the error's message). */
      error: string;
    };
  };
  scope: 'local';
  /** When the stream reconnected, by this process's clock (Unix seconds). */
  time: number;
  /** The same in nanoseconds, as a decimal string like {@link DockerEvent.timeNano}. */
  timeNano: string;
}

/** Options that turn reconnection on. */
export type ReconnectingEventsOptions = EventsOptions & { reconnect: true };

/** The events operation: `GET /events` with `since`, `until` and `filters`. */
export function eventsOperation(options: Pick<EventsOptions, 'filters'>, since?: string, until?: string): Operation {
  return { method: 'GET', path: '/events', query: { since, until, filters: options.filters } };
}

/** `timeNano` and only it is decoded exactly (see {@link DockerEvent}). */
export const EVENT_JSON = { exactIntegers: ['timeNano'] } as const;

/**
 * `GET /events`: engine events as they happen, as {@link DockerEvent}s; with `reconnect: true`
 * the stream outlives the engine, marking each reconnection with a {@link ReconnectedEvent}.
 */
export function events(transport: Transport, options: ReconnectingEventsOptions): LazyStream<DockerEvent | ReconnectedEvent>;
export function events(transport: Transport, options?: EventsOptions): LazyStream<DockerEvent>;
export function events(transport: Transport, options: EventsOptions = {}): LazyStream<DockerEvent | ReconnectedEvent> {
  const since = encodeTime(options.since);
  const until = encodeTime(options.until);
  if (options.reconnect !== true) {
    return streamJson<DockerEvent>(transport, eventsOperation(options, since, until), { ...options, json: EVENT_JSON });
  }
  const retry = retryPolicy(options.retry);
  return new LazyStream(async (signal) => {
    const open = openEvents(transport, options);
    return onlyEvents(resumeEvents(open, { since, until, retry, retryFirst: false }, signal));
  }, options);
}

/** Opens one connection of a reconnecting events stream. */
export function openEvents(transport: Transport, options: EventsOptions): OpenEvents {
  return async (window, signal) => {
    const { headers, items } = await openJsonStream<DockerEvent>(
      transport,
      eventsOperation(options, window.since, window.until),
      { timeout: options.timeout, json: EVENT_JSON },
      signal,
    );
    const date = headers.date;
    return { date: Array.isArray(date) ? date[0] : date, items };
  };
}

async function* onlyEvents(items: ReturnType<typeof resumeEvents>): AsyncGenerator<DockerEvent | ReconnectedEvent> {
  for await (const item of items) if (item.kind === 'event' || item.kind === 'reconnected') yield item.event;
}
