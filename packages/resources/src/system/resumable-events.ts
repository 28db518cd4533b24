import { ConnectionError, type DockerError, ServerError, TimeoutError } from '@dockyard/transport';
import { type RetryOptions, retryDelay } from '../retry-policy.js';
import { sleep } from '../sleep.js';
import type { DockerEvent, ReconnectedEvent } from './events.js';

/** One connection's answer: the response's `Date` header (the engine's clock) and its events. */
export type OpenEvents = (
  window: { since?: string; until?: string },
  signal: AbortSignal,
) => Promise<{ date?: string; items: AsyncIterable<DockerEvent> }>;

/** What the resume loop hands out: each connection made, events, reconnection markers, and each failed attempt. */
export type ResumeItem =
  | { kind: 'connected' }
  | { kind: 'event'; event: DockerEvent }
  | { kind: 'reconnected'; event: ReconnectedEvent }
  | { kind: 'failed'; error: DockerError; attempt: number; delay: number };

/** Settings of {@link resumeEvents}; `since`/`until` already in the engine's query form. */
export interface ResumeSettings {
  since?: string;
  until?: string;
  retry: Required<RetryOptions>;
  /** Retry the first connection too (a fleet waits for an engine that is down at the start). */
  retryFirst: boolean;
  /** The jitter's source of randomness. */
  random?: () => number;
}

/** How many yielded events are remembered to recognise them when the engine replays them (its buffer holds 256). */
const REMEMBERED = 256;

/**
 * The reconnect loop: reads connection after connection, each resuming with `since` = the last
 * yielded event's exact `timeNano` (the engine's `since` is inclusive, so it replays that
 * event and any others of the same nanosecond), skipping every replayed event it already
 * yielded, recognised by `timeNano`, `Type`, `Action` and `Actor.ID`. A connection the
 * engine ends on its own counts as dropped, unless `until` was set (then it is the end).
 * Errors other than lost connections, 5xx answers and head timeouts are thrown: a wrong
 * filter's 400 is not worth retrying. `signal` (the stream's own) ends it.
 */
export async function* resumeEvents(open: OpenEvents, settings: ResumeSettings, signal: AbortSignal): AsyncGenerator<ResumeItem> {
  const seen = new RecentKeys(REMEMBERED);
  let resumeFrom: string | undefined; // `since` for the next connection
  let connected = false;
  let failures = 0;
  let lost: DockerError | undefined;
  for (;;) {
    let since = settings.since;
    if (resumeFrom !== undefined) since = resumeFrom;
    let error: DockerError;
    try {
      const { date, items } = await open({ since, until: settings.until }, signal);
      if (lost !== undefined && connected) {
        // `failures` counts the drop itself, then each attempt that failed.
        yield { kind: 'reconnected', event: reconnectedMarker(since ?? '', failures - 1, lost) };
      }
      // Nothing yielded yet: a later connection resumes from when this one was answered, by
      // the engine's clock (whole seconds, rounded down: an event of that second from just
      // before the stream began may come too; none after it is lost).
      if (resumeFrom === undefined && since === undefined) resumeFrom = secondsOf(date);
      connected = true;
      failures = 0;
      lost = undefined;
      yield { kind: 'connected' };
      for await (const event of items) {
        const key = eventKey(event);
        if (seen.has(key)) continue;
        seen.add(key);
        if (event.timeNano !== undefined) resumeFrom = sinceOf(event.timeNano);
        else if (event.time !== undefined) resumeFrom = String(event.time);
        yield { kind: 'event', event };
      }
      if (settings.until !== undefined) return;
      error = new ConnectionError('The engine ended the event stream.');
    } catch (err) {
      if (signal.aborted || !isTransient(err) || (!connected && !settings.retryFirst)) throw err;
      error = err;
    }
    lost ??= error; // what ended the connection, not the later refusals
    failures += 1;
    const delay = retryDelay(settings.retry, failures, settings.random?.());
    yield { kind: 'failed', error, attempt: failures, delay };
    await sleep(delay, signal);
  }
}

/** Lost connections, the engine's 5xx (e.g. while it starts) and a head that did not come in time. */
function isTransient(err: unknown): err is DockerError {
  return err instanceof ConnectionError || err instanceof ServerError || err instanceof TimeoutError;
}

/** `timeNano` digits as the engine's `since` takes them: `seconds.nanoseconds`. */
export function sinceOf(timeNano: string): string {
  const digits = timeNano.padStart(10, '0');
  return `${digits.slice(0, -9)}.${digits.slice(-9)}`;
}

function secondsOf(date: string | undefined): string | undefined {
  const ms = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(ms) ? undefined : String(Math.floor(ms / 1000));
}

function eventKey(event: DockerEvent): string {
  return `${event.timeNano ?? event.time}\u0000${event.Type}\u0000${event.Action}\u0000${event.Actor?.ID}`;
}

function reconnectedMarker(since: string, attempts: number, lost: DockerError): ReconnectedEvent {
  const ms = Date.now();
  return {
    Type: 'dockyard',
    Action: 'reconnected',
    Actor: { ID: '', Attributes: { since, attempts: String(attempts), error: lost.message } },
    scope: 'local',
    time: Math.floor(ms / 1000),
    timeNano: String(BigInt(ms) * 1_000_000n),
  };
}

/** The last `size` keys added, for membership tests. */
class RecentKeys {
  readonly #ring: (string | undefined)[];
  readonly #set = new Set<string>();
  #next = 0;

  constructor(size: number) {
    this.#ring = new Array<string | undefined>(size);
  }

  has(key: string): boolean {
    return this.#set.has(key);
  }

  add(key: string): void {
    const old = this.#ring[this.#next];
    if (old !== undefined) this.#set.delete(old);
    this.#ring[this.#next] = key;
    this.#set.add(key);
    this.#next = (this.#next + 1) % this.#ring.length;
  }
}
