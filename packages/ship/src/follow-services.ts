import { type Docker, encodeTime, NotFoundError, type Service, type StreamName, type TimeValue } from 'dockyard';
import type { Channel } from './channel.js';
import type { ContainerSelector } from './select.js';
import { selects } from './select.js';
import { EventTime } from './event-time.js';
import type { LogLine, LogPosition, LogRecord } from './follow-all.js';
import { LineMerger } from './line-merger.js';
import { sleep } from './sleep.js';

/** Splits the `details` prefix the engine writes before a swarm log line: `k=v,k=v ` (URL-encoded). */
export function splitDetails(data: Uint8Array): { details: Record<string, string>; rest: Uint8Array } {
  const space = data.indexOf(0x20);
  if (space < 0) return { details: {}, rest: data };
  const details: Record<string, string> = {};
  const text = Buffer.from(data.subarray(0, space)).toString('utf8');
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { details: {}, rest: data }; // not a details prefix
    try {
      // Defined, not assigned: a label named `__proto__` is data, not the object's prototype.
      Object.defineProperty(details, unescapeQuery(pair.slice(0, eq)), { value: unescapeQuery(pair.slice(eq + 1)), enumerable: true, writable: true, configurable: true });
    } catch {
      return { details: {}, rest: data }; // not URL-encoded: not a details prefix
    }
  }
  return { details, rest: data.subarray(space + 1) };
}

/** Undoes Go's `url.QueryEscape` (space as `+`). */
function unescapeQuery(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** What {@link ServiceFollower} takes of `followAll`'s options. */
export interface ServiceFollowOptions {
  include?: ContainerSelector;
  exclude?: ContainerSelector;
  since?: TimeValue;
  /** Where each task (by task ID) was read up to. */
  resume?: (taskId: string) => LogPosition | undefined;
}

/**
 * How far before a task's creation (the manager's clock) its log is asked for when it has no
 * position: a node's clock may be behind the manager's. Reading more is harmless: each task's
 * lines up to its position are dropped here.
 */
const CLOCK_MARGIN_NS = 60_000_000_000n;

/**
 * Follows every service's logs on a swarm manager (`/services/{id}/logs` with details), each
 * task from its position on. Engine 20.10 sends each task's lines in time order, with
 * nanosecond times, honours `since` to the nanosecond (a line at exactly `since` included),
 * and adds the tasks started later to a followed log. One request per service takes one
 * `since`: the earliest any of its tasks needs (a task without a position: its creation);
 * each task's lines up to its own position are then dropped, counting lines of equal time.
 */
export class ServiceFollower {
  readonly #active = new Set<string>();
  /** Where each task seen so far was read up to. */
  readonly #positions = new Map<string, LogPosition>();

  constructor(
    readonly docker: Docker,
    readonly options: ServiceFollowOptions,
    readonly channel: Channel<LogLine>,
    readonly signal: AbortSignal,
  ) {}

  async run(): Promise<void> {
    let since: number | undefined;
    while (!this.signal.aborted) {
      const subscribedAt = since ?? Math.floor(Date.now() / 1000) - 1;
      try {
        await this.#startAll();
        const events = this.docker.events({ since: subscribedAt, filters: { type: ['service'], event: ['create'] }, signal: this.signal, reconnect: true });
        for await (const event of events) {
          since = event.time ?? since;
          if (event.Type === 'dockyard' || event.Actor?.ID) await this.#startAll();
        }
      } catch {
        if (this.signal.aborted) return;
      }
      await sleep(1000, this.signal);
    }
  }

  async #startAll(): Promise<void> {
    for (const svc of await this.docker.services.list({ signal: this.signal })) {
      const id = svc.ID as string;
      if (this.#active.has(id)) continue;
      const spec = svc.Spec;
      const info = { id, name: spec?.Name ?? id, image: spec?.TaskTemplate?.ContainerSpec?.Image ?? '', labels: spec?.Labels ?? {}, imageId: '', env: spec?.TaskTemplate?.ContainerSpec?.Env ?? [] };
      if (!selects(info, this.options.include, this.options.exclude)) continue;
      this.#active.add(id);
      void this.#follow(this.docker.services.get(id), info).finally(() => this.#active.delete(id));
    }
  }

  /** Follows one service until it is removed (or the follow is aborted), reconnecting from each task's position. */
  async #follow(service: Service, container: LogRecord['container']): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted) {
      try {
        await this.#read(service, container);
        failures = 0;
        // The log ended by itself: gone with its service, or to be asked for again.
        await service.inspect({ signal: this.signal });
      } catch (err) {
        if (err instanceof NotFoundError || this.signal.aborted) return;
        failures++;
      }
      await sleep(Math.min(100 * 2 ** failures, 5000), this.signal);
    }
  }

  async #read(service: Service, container: LogRecord['container']): Promise<void> {
    const floor = sinceNs(this.options.since);
    const since = await this.#since(service.id, floor);
    // One merger per task: parts of different tasks' lines never mix.
    const mergers = new Map<string, LineMerger>();
    const skips = new Map<string, TaskSkip>();
    const logs = service.logs({ follow: true, timestamps: true, details: true, since, signal: this.signal });
    for await (const chunk of logs) {
      const { details, rest } = splitDetails(chunk.data);
      const task = details['com.docker.swarm.task.id'] ?? '';
      let merger = mergers.get(task);
      if (!merger) mergers.set(task, (merger = new LineMerger()));
      const line = merger.push({ stream: chunk.stream, data: rest, timestamp: chunk.timestamp });
      if (!line) continue;
      // Without a time (a TTY task's unframed log) there is no position to resume from.
      const time = line.time ?? new Date().toISOString();
      let skip = skips.get(task);
      if (!skip) {
        const position = this.#positions.get(task) ?? this.options.resume?.(task);
        skip = position ? { ns: toNs(position.time), count: position.count } : { ns: floor ?? -1n, count: 0 };
        skips.set(task, skip);
      }
      if (skip.ns >= 0n && line.time !== undefined) {
        const ns = toNs(line.time);
        if (ns < skip.ns) continue;
        if (ns === skip.ns && skip.count > 0) {
          skip.count--;
          continue;
        }
        skip.ns = -1n;
      }
      const last = this.#positions.get(task);
      this.#positions.set(task, last?.time === time ? { time, count: last.count + 1 } : { time, count: 1 });
      const record: LogRecord = {
        container,
        stream: line.stream as StreamName,
        time,
        log: line.log,
        service: details['com.docker.swarm.service.id'] ?? container.id,
        task,
        node: details['com.docker.swarm.node.id'] ?? '',
      };
      const pause = this.channel.push(record);
      if (pause) await pause;
    }
  }

  /**
   * The `since` of a service's request: the earliest time any of its tasks needs, its position
   * or (none yet) its creation less {@link CLOCK_MARGIN_NS}, not before `floor`.
   */
  async #since(serviceId: string, floor: bigint | undefined): Promise<string | undefined> {
    const tasks = await this.docker.tasks.list({ filters: { service: [serviceId] }, signal: this.signal });
    let min: bigint | undefined;
    for (const task of tasks) {
      const position = this.#positions.get(task.ID as string) ?? this.options.resume?.(task.ID as string);
      let at: bigint;
      if (position) at = toNs(position.time);
      else {
        if (!task.CreatedAt) return encodeTime(this.options.since);
        at = toNs(task.CreatedAt) - CLOCK_MARGIN_NS;
        if (floor !== undefined && at < floor) at = floor;
      }
      if (min === undefined || at < min) min = at;
    }
    if (min === undefined) return encodeTime(this.options.since);
    if (min < 0n) min = 0n;
    return `${min / 1_000_000_000n}.${String(min % 1_000_000_000n).padStart(9, '0')}`;
  }
}

/** A task's lines still to drop: those before `ns` and `count` at exactly `ns`; `ns` -1 when none. */
interface TaskSkip {
  ns: bigint;
  count: number;
}

function toNs(time: string): bigint {
  return EventTime.fromRfc3339(time).toBigInt();
}

const DURATION = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * `since` as nanoseconds since the epoch, as the engine reads it: a Date, Unix seconds (with a
 * fraction), an RFC 3339 time, or a Go duration before now (`10m`, `1h30m`).
 */
export function sinceNs(value: TimeValue | undefined, now = Date.now()): bigint | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return BigInt(value.getTime()) * 1_000_000n;
  const text = String(value);
  const unix = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (unix) return BigInt(unix[1] as string) * 1_000_000_000n + BigInt((unix[2] ?? '').padEnd(9, '0'));
  let rest = text;
  let ns = 0;
  for (let m = DURATION.exec(rest); m; m = DURATION.exec(rest)) {
    ns += Number(m[1]) * (UNIT_NS[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  if (rest === '' && text !== '') return BigInt(now) * 1_000_000n - BigInt(Math.round(ns));
  try {
    return toNs(text);
  } catch {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new TypeError(`since: not a time or duration: ${JSON.stringify(text)}`);
    return BigInt(ms) * 1_000_000n;
  }
}

