import { type Docker, type DockerEvent, Fleet, FramingRule, encodeTime, NotFoundError, type ReconnectedEvent, type StreamName, type TimeValue } from 'dockyard';
import { setMaxListeners } from 'node:events';
import { Channel } from './channel.js';
import { EventTime } from './event-time.js';
import { ServiceFollower } from './follow-services.js';
import { type LogCutter, LogFrames } from './log-frames.js';
import { TtyMessages } from './tty-messages.js';
import { Permits } from './permits.js';
import { LineMerger, type MergedLine } from './line-merger.js';
import { type ContainerSelector, selects } from './select.js';
import { sleep } from './sleep.js';

/** The container a {@link LogRecord} came from. */
export interface ContainerInfo {
  /** Full ID. */
  id: string;
  /** Name without the leading `/`. */
  name: string;
  /** The image as the container was created from it (`Config.Image`). */
  image: string;
  labels: Record<string, string>;
  /** The image's ID (`sha256:…`). */
  imageId: string;
  /** The container's environment (`Config.Env`), `KEY=value` each. */
  env: string[];
}

/** One log line of one container, as {@link followAll} yields it. */
export interface LogRecord {
  container: ContainerInfo;
  stream: StreamName;
  /** The engine's own time of the line (RFC 3339, to the nanosecond): see {@link EventTime.fromRfc3339}. */
  time: string;
  /** The line without its `\n` (a TTY's `\r` before it stays); lines the engine split at 16 KiB are joined back. */
  log: string;
  /** Which engine, when following a fleet. */
  engine?: string;
  /** With `services: true`: the service's ID (`container` then describes the service: its name, image and labels). */
  service?: string;
  /** With `services: true`: the task's ID. */
  task?: string;
  /** With `services: true`: the node's ID the task runs on. */
  node?: string;
}

/** Where a container's log was read up to: the last line's time and how many lines had exactly that time. */
export interface LogPosition {
  time: string;
  count: number;
}

/** Options of {@link followAll}. */
export interface FollowAllOptions {
  /** Only containers matching this (every kind it lists); default all. */
  include?: ContainerSelector;
  /** Never containers matching any of this. */
  exclude?: ContainerSelector;
  /** Lines from this time on (`'10m'`, a Date, Unix seconds) for containers without a `resume` position; default each container's whole log. */
  since?: TimeValue;
  /**
   * Where each container (with `services: true`, each task, by task ID) was read up to (e.g.
   * from a checkpoint): its log resumes after that line. Lines with the same time are told
   * apart by their position, not dropped.
   */
  resume?: (id: string) => LogPosition | undefined;
  /**
   * On a swarm manager: follow every selected service's logs across all nodes
   * (`/services/{id}/logs` with details) instead of this engine's containers; each record
   * carries `service`, `task` and `node` IDs, and `container` describes the service.
   */
  services?: boolean;
  /** Records buffered before the readers pause (backpressure to the engine); default 256. */
  highWaterMark?: number;
  /** Stops following: the iterable ends. */
  signal?: AbortSignal;
}

/** Podman says `remove` where dockerd says `destroy`. */
const FOLLOWED_EVENTS = ['start', 'restart', 'die', 'destroy', 'remove'];

/**
 * Every selected container's log lines as one async iterable: the containers running at
 * start and those started later (through the engine's events, resubscribed if the event
 * stream breaks). Each container's log is read with the engine's timestamps, its 16 KiB
 * parts joined back into lines, stdout and stderr kept apart; a TTY container's unframed log
 * is cut at the engine's timestamps (see `TtyMessages`). A container that stops and
 * starts again is followed from where its log was left, not from its start.
 *
 * Without `since` or `resume`, a container's whole log is read (what `docker logs` shows).
 *
 * @example
 * ```ts
 * for await (const r of followAll(docker, { include: { label: ['ship=true'] }, since: '10m' })) {
 *   console.log(r.container.name, r.stream, r.time, r.log);
 * }
 * ```
 */
export function followAll(source: Docker | Fleet, options: FollowAllOptions = {}): AsyncIterableIterator<LogRecord> & AsyncDisposable {
  // Without `lineBytes` every line is text.
  const channel = followInto(source, options) as Channel<LogRecord>;
  return Object.assign(channel, {
    async [Symbol.asyncDispose](): Promise<void> {
      await channel.return();
    },
  });
}

/** A {@link LogRecord} whose line may be its bytes (see {@link followInto}). */
export type LogLine = Omit<LogRecord, 'log'> & { log: string | Uint8Array };

/** With `removals`: a container was destroyed, and every line of it that was read is in the channel before this. */
export interface ContainerRemoved {
  removed: string;
}

/** What {@link followInto} takes besides {@link FollowAllOptions}. */
export interface FollowIntoOptions extends FollowAllOptions {
  /** Lines as bytes (the UTF-8 the engine sent, parts joined), not strings. */
  lineBytes?: boolean;
  /** A {@link ContainerRemoved} after the last line of each destroyed container. */
  removals?: boolean;
}

/**
 * {@link followAll}'s records as the channel they arrive in (`ship()` takes them a batch at a
 * time). With `lineBytes`, a container's lines stay bytes: `ship()` copies them into its
 * batches without making strings. With `removals`, destroyed containers are announced in the
 * channel after their last line (`ship()` then drops their checkpoint entries).
 */
export function followInto(source: Docker | Fleet, options: FollowIntoOptions & { removals: true }): Channel<LogLine | ContainerRemoved>;
export function followInto(source: Docker | Fleet, options?: FollowIntoOptions & { removals?: false }): Channel<LogLine>;
export function followInto(source: Docker | Fleet, options: FollowIntoOptions = {}): Channel<LogLine | ContainerRemoved> | Channel<LogLine> {
  const abort = new AbortController();
  // One listener per followed container's request: hundreds are expected, not a leak.
  setMaxListeners(0, abort.signal);
  const onAbort = (): void => abort.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Few records in between: those waiting here outlive young-generation GCs, and the more do,
  // the larger V8 grows the young generation (200 containers' backlogs: ~95-118 MiB peak RSS
  // with 1 024 and 8 backlog readers, ~83-89 with 256 and 4; the same records/s).
  const channel = new Channel<LogLine | ContainerRemoved>(options.highWaterMark ?? RECORDS_BUFFERED, () => abort.abort());
  // A fleet: one follower per engine into the same channel, each record naming its engine.
  const engines: Array<[string | undefined, Docker]> = source instanceof Fleet ? [...source.engines] : [[undefined, source]];
  const followers: Array<{ run(): Promise<void> }> = options.services
    ? engines.map(([, docker]) => new ServiceFollower(docker, options, channel as Channel<LogLine>, abort.signal))
    : engines.map(([name, docker]) => new Follower(docker, name, options, channel, abort.signal, options.lineBytes === true, new Permits(BACKLOG_READERS)));
  abort.signal.addEventListener('abort', () => channel.end(), { once: true });
  if (options.signal?.aborted) abort.abort();
  else Promise.all(followers.map((f) => f.run())).then(
    () => channel.end(),
    (err: unknown) => channel.end(abort.signal.aborted ? undefined : err),
  ).finally(() => options.signal?.removeEventListener('abort', onAbort));
  return channel;
}

class Follower {
  /** Containers being read now. */
  readonly #active = new Set<string>();
  /** Where each container seen so far was read up to. */
  readonly #positions = new Map<string, LogPosition>();
  /** The reading of each container being read now: settles once its lines are all in the channel. */
  readonly #reading = new Map<string, Promise<void>>();
  /** Containers started again while still being read: read once more when that reading ends. */
  readonly #again = new Set<string>();

  constructor(
    readonly docker: Docker,
    readonly engine: string | undefined,
    readonly options: FollowIntoOptions,
    readonly channel: Channel<LogLine | ContainerRemoved>,
    readonly signal: AbortSignal,
    readonly lineBytes: boolean,
    /** Who may read a backlog now: see {@link BACKLOG_READERS}. */
    readonly backlogs: Permits,
  ) {}

  async run(): Promise<void> {
    let since: number | undefined;
    let failures = 0;
    while (!this.signal.aborted) {
      // Events from before the list, so nothing started in between is missed; duplicates are ignored.
      const subscribedAt = since ?? Math.floor(Date.now() / 1000) - 1;
      try {
        await this.#startRunning();
        // The stream reconnects by itself; after each reconnection the containers are listed
        // again, since events of the gap may be gone with a restarted engine.
        const events = this.docker.events({ since: subscribedAt, filters: { type: ['container'], event: FOLLOWED_EVENTS }, signal: this.signal, reconnect: true });
        for await (const event of events) {
          failures = 0;
          since = event.time ?? since;
          if (isReconnected(event)) await this.#startRunning();
          else this.#onEvent(event);
        }
        if (this.signal.aborted) return;
      } catch {
        // The engine went away or the event stream broke: list again and resubscribe from
        // the last event seen, with capped backoff, until aborted.
        if (this.signal.aborted) return;
        failures++;
      }
      await sleep(Math.min(100 * 2 ** failures, 5000), this.signal);
    }
  }

  async #startRunning(): Promise<void> {
    const running = await this.docker.containers.list({ signal: this.signal });
    for (const c of running) this.#start(c.Id as string);
  }

  #onEvent(event: DockerEvent): void {
    const id = event.Actor?.ID;
    if (!id) return;
    if (event.Action === 'start' || event.Action === 'restart') this.#start(id);
    else if (event.Action === 'die') void this.#reread(id);
    else if (event.Action === 'destroy' || event.Action === 'remove') void this.#removed(id);
  }

  /**
   * A container stopped: what it wrote last without a `\n` reaches json-file only at exit,
   * after a follower's log has ended, so once its reading ended, its log is read again from
   * where it was left (the `die` event comes after the engine wrote everything).
   */
  async #reread(id: string): Promise<void> {
    await this.#reading.get(id);
    this.#start(id);
  }

  /** A destroyed container: once its reading ended, it is forgotten (and announced after its last line). */
  async #removed(id: string): Promise<void> {
    // Its reading (and the reading again after `die`) ends at once: the container is gone.
    for (let reading = this.#reading.get(id); reading; reading = this.#reading.get(id)) await reading;
    this.#positions.delete(id);
    if (this.options.removals) this.channel.push({ removed: id });
  }

  #start(id: string): void {
    if (this.signal.aborted) return;
    if (this.#active.has(id)) {
      // A start while the last reading may be ending (e.g. the re-read after `die` of a stopped
      // container, which ends at the log's end): read again after it, from where it got to.
      this.#again.add(id);
      return;
    }
    this.#active.add(id);
    const reading = this.#follow(id).finally(() => {
      this.#active.delete(id);
      this.#reading.delete(id);
      if (this.#again.delete(id)) this.#start(id);
    });
    this.#reading.set(id, reading);
  }

  /** Reads one container's log until it stops (or the follow is aborted), retrying broken reads. */
  async #follow(id: string): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted) {
      let info: ContainerInfo;
      let tty: boolean;
      try {
        const inspect = await this.docker.containers.get(id).inspect({ signal: this.signal });
        tty = inspect.Config?.Tty === true;
        info = {
          id: inspect.Id as string,
          name: (inspect.Name ?? '').replace(/^\//, ''),
          image: inspect.Config?.Image ?? '',
          labels: inspect.Config?.Labels ?? {},
          imageId: inspect.Image ?? '',
          env: inspect.Config?.Env ?? [],
        };
      } catch (err) {
        if (err instanceof NotFoundError || this.signal.aborted) return;
        failures++;
        await sleep(Math.min(100 * 2 ** failures, 5000), this.signal);
        continue;
      }
      if (!selects(info, this.options.include, this.options.exclude)) return;
      try {
        // What the log holds up to now first (a few containers at a time), then the follow
        // from there: hundreds of backlogs read at once would all be in memory together.
        const release = await this.backlogs.acquire(this.signal);
        try {
          await this.#read(info, tty, (Date.now() / 1000).toFixed(3));
        } finally {
          release();
        }
        // The log ends by itself when the container stops; its next start comes as an event.
        if (await this.#read(info, tty, undefined)) return;
      } catch (err) {
        if (err instanceof NotFoundError || this.signal.aborted) return;
        failures++;
        await sleep(Math.min(100 * 2 ** failures, 5000), this.signal);
      }
    }
  }

  /**
   * One logs request from the container's position on, followed, or (`until`) up to that time
   * and no further; true when the log ended by itself.
   */
  async #read(container: ContainerInfo, tty: boolean, until: string | undefined): Promise<boolean> {
    const position = this.#positions.get(container.id) ?? this.options.resume?.(container.id);
    const since = position ? EventTime.fromRfc3339(position.time).toUnixString() : encodeTime(this.options.since);
    let skip = position?.count ?? 0;
    // This container's read position, updated in place (it is this follower's own).
    const last: LogPosition = position ? { ...position } : { time: '', count: 0 };
    if (position) this.#positions.set(container.id, last);
    const merger: LineMerger<string | Uint8Array> = this.lineBytes ? new LineMerger<Uint8Array>(keepBytes) : new LineMerger();
    // Podman sends pieces of a line as messages of their own, only the last ending with `\n`.
    merger.newlineOnly = (await this.docker.transport.detectEngine({ signal: this.signal })) === 'podman';
    const engine = this.engine;
    let batch: LogLine[] = [];
    const add = (line: MergedLine<string | Uint8Array> | undefined): void => {
      if (!line) return;
      const at = line.time ?? new Date().toISOString();
      if (skip > 0 && position && at === position.time) {
        skip--;
        return;
      }
      skip = 0;
      if (last.time === at) last.count++;
      else {
        if (last.time === '') this.#positions.set(container.id, last);
        last.time = at;
        last.count = 1;
      }
      batch.push(engine === undefined ? { container, stream: line.stream, time: at, log: line.log } : { container, stream: line.stream, time: at, log: line.log, engine });
    };
    const onMessage = (stream: StreamName, time: string | undefined, bytes: Uint8Array, start: number, end: number): void =>
      add(merger.message(stream, time, bytes, start, end));
    const res = await this.docker.transport.request({
      method: 'GET',
      path: `/containers/${encodeURIComponent(container.id)}/logs`,
      query: { follow: until === undefined, stdout: true, stderr: true, timestamps: true, since, until },
      signal: this.signal,
      highWaterMark: FOLLOW_WINDOW,
    });
    // Framing by the SDK's one rule: the Content-Type (API 1.42+, never Podman's), else the TTY.
    const framing = await new FramingRule(this.docker.transport, async () => tty).of(res.headers['content-type'], this.signal);
    // A TTY's log is not framed: its messages are told apart by their timestamps.
    const frames: LogCutter = framing === 'raw' ? new TtyMessages() : new LogFrames();
    // Every message of one socket read goes to the channel at once: one await per read, not per
    // line. The read is let go before waiting, so a paused follower holds only its lines.
    const reads: QueuedReads = res.body[Symbol.asyncIterator]();
    const cut = (bytes: Uint8Array): void => frames.push(bytes, onMessage);
    const take = (bytes: Uint8Array): Promise<void> | undefined => {
      cut(bytes);
      // The engine writes a line per HTTP chunk: take those of the same socket read too.
      for (let more = reads[TAKE_QUEUED]?.(); more !== undefined; more = reads[TAKE_QUEUED]?.()) cut(more);
      if (batch.length === 0) return undefined;
      const lines = batch;
      batch = [];
      return this.channel.pushAll(lines);
    };
    try {
      for (let read = await reads.next(); !read.done; read = await reads.next()) {
        const pause = take(read.value);
        if (pause) {
          read = { done: false, value: EMPTY };
          await pause;
        }
      }
    } catch (err) {
      await reads.return?.().catch(() => undefined);
      throw err;
    }
    if (this.signal.aborted) return false;
    frames.end(onMessage);
    for (const line of merger.flush()) add(line);
    this.channel.pushAll(batch);
    return true;
  }
}

/**
 * Bytes a followed log holds unread before its socket is paused. Small: with hundreds of
 * containers each paused stream keeps its window, and the engine keeps the rest of the log.
 */
const FOLLOW_WINDOW = 16 * 1024;
/**
 * Containers whose backlog (the log up to when following began) is read at once, per engine.
 * Each read hands over a whole socket read's lines (up to 64 KiB) at once, so this bounds the
 * records in flight as much as {@link RECORDS_BUFFERED} does.
 */
const BACKLOG_READERS = 4;
/** Records buffered between the readers and the consumer by default (see `highWaterMark`). */
const RECORDS_BUFFERED = 256;
const EMPTY = new Uint8Array(0);
const keepBytes = (bytes: Uint8Array): Uint8Array => bytes;
/** The transport's key for the chunks a body already received (taken without a promise each). */
const TAKE_QUEUED = Symbol.for('dockyard.takeQueued');
type QueuedReads = AsyncIterator<Uint8Array> & { [TAKE_QUEUED]?: () => Uint8Array | undefined };

/** The events stream's marker that it reconnected (containers are listed again then). */
function isReconnected(event: DockerEvent | ReconnectedEvent): event is ReconnectedEvent {
  return event.Type === 'dockyard' && event.Action === 'reconnected';
}

