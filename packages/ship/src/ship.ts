import { AbortError, type Docker, type Fleet, type TimeValue } from 'dockyard';
import { Checkpoint, type CheckpointBook } from './checkpoint.js';
import { pruneGone } from './prune-gone.js';
import { DEFAULT_TAG, driverRecord, driverTemplates, type DriverTemplates, expandTag, extraAttributes } from './driver-record.js';
import { EventTime } from './event-time.js';
import type { Channel } from './channel.js';
import { type ContainerRemoved, followInto, type LogLine, type LogPosition, type LogRecord } from './follow-all.js';
import type { ForwardSender, SendCallback } from './forward.js';
import type { ContainerSelector } from './select.js';

/** Options of {@link ship}. */
export interface ShipOptions {
  /** The engine whose containers are shipped, or a `Fleet` of engines. */
  source: Docker | Fleet;
  /** Only containers matching this (see `followAll`). */
  include?: ContainerSelector;
  /** Never containers matching any of this. */
  exclude?: ContainerSelector;
  /** Containers without a checkpoint entry: their lines from this time on; default their whole log. */
  since?: TimeValue;
  /** Where records go: `forward({...})`. The shipper owns it: when shipping ends it is closed. */
  to: ForwardSender;
  /**
   * On a swarm manager: ship every selected service's logs across all nodes (see `followAll`)
   * instead of this engine's containers, each task resumed from its own checkpoint entry (by
   * task ID). Records are the driver's with `container_id`/`container_name` naming the
   * service, plus `task_id` and `node_id`.
   */
  services?: boolean;
  /** Checkpoint file (JSON); without it, a restart ships every log again from `since`. */
  checkpoint?: string;
  /** How often an advanced checkpoint is written; default 1000 ms. */
  checkpointIntervalMs?: number;
  /** After an abort, how long to wait for the receiver to ack what was sent; default 5000 ms. */
  drainTimeoutMs?: number;
  /** Stops shipping; `done()` then resolves once acked records are checkpointed. */
  signal?: AbortSignal;
}

/** One container (with `services`, one task) as the shipper sees it. */
export interface ContainerShipState {
  /** The container's ID, or the task's. */
  id: string;
  /** The container's name, or the task's service's. */
  name: string;
  /** With `services`: the task's service's ID. */
  service?: string;
  /** Lines read from the engine. */
  read: number;
  /** Lines the receiver acked. */
  acked: number;
  /** The last acked line's position (what the checkpoint holds). */
  position: LogPosition | undefined;
  /** Milliseconds from the last acked line's time to now. */
  lagMs: number | undefined;
  /** The container was destroyed: its checkpoint entry is dropped once every line read of it is acked. */
  removed: boolean;
}

/** A snapshot of {@link Shipper.status}. */
export interface ShipStatus {
  /** Records acked since the previous snapshot, per second. */
  recordsPerSecond: number;
  /** Entry bytes acked since the previous snapshot, per second. */
  bytesPerSecond: number;
  /** Records acked in total. */
  records: number;
  /** Milliseconds from the oldest container's last acked line to now (largest lag). */
  lagMs: number | undefined;
  /** Connected to the receiver. */
  connected: boolean;
  /** Bytes read and not yet acked. */
  pendingBytes: number;
  containers: ContainerShipState[];
}

/** A running shipper: see {@link ship}. */
export interface Shipper {
  /** Status snapshots every `intervalMs` (default 1000) until the shipper is done. */
  status(options?: { intervalMs?: number }): AsyncIterable<ShipStatus>;
  /** Resolves after an abort once acked records are checkpointed; rejects if shipping failed. */
  done(): Promise<void>;
}

/**
 * Ships every selected container's log to a Fluent Forward receiver, at least once: records
 * exactly as Docker's fluentd driver makes them; each container's checkpoint advances only
 * once the receiver acked its lines, and a restart resumes from there. When the receiver is
 * slow or away, reading pauses (the engine keeps the logs).
 *
 * @example
 * ```ts
 * const shipper = ship({ source: docker, to: forward({ port: 24224, ack: true }), checkpoint: '/var/lib/ship.json', signal });
 * await shipper.done();
 * ```
 */
export function ship(options: ShipOptions): Shipper {
  const run = new ShipRun(options);
  const finished = run.run();
  finished.catch(() => {});
  return {
    status: (statusOptions = {}) => run.status(statusOptions.intervalMs ?? 1000, finished),
    done: () => finished,
  };
}

class ShipRun {
  readonly #containers = new Map<string, ContainerShipState & { readPosition: LogPosition | undefined; onAck: SendCallback }>();
  readonly #abort = new AbortController();
  #ended = false;

  constructor(readonly options: ShipOptions) {
    if (options.signal?.aborted) this.#abort.abort();
    options.signal?.addEventListener('abort', () => this.#abort.abort(), { once: true });
  }

  async run(): Promise<void> {
    const { options } = this;
    const to = options.to;
    const checkpoint = await Checkpoint.load(options.checkpoint);
    // Entries of containers removed while nobody shipped can never be used again.
    await pruneGone(checkpoint, options.source, options.services === true, this.#abort.signal).catch(() => undefined);
    const template = to.options.tag ?? DEFAULT_TAG;
    const extrasWanted = to.options.labels || to.options.labelsRegex || to.options.env || to.options.envRegex;
    let failure: unknown;
    // A checkpoint that cannot be written stops the shipper: going on would ship unrecorded.
    const timer = setInterval(
      () =>
        void checkpoint.save().catch((err: unknown) => {
          failure ??= err;
          this.#abort.abort();
        }),
      options.checkpointIntervalMs ?? 1000,
    );
    let records: Channel<LogLine | ContainerRemoved> | undefined;
    const aborted = new Promise<void>((resolve) => this.#abort.signal.addEventListener('abort', () => resolve(), { once: true }));
    try {
      records = followInto(options.source, {
        include: options.include,
        exclude: options.exclude,
        since: options.since,
        resume: (id) => (options.services ? checkpoint.tasks : checkpoint.positions).get(id),
        services: options.services,
        signal: this.#abort.signal,
        lineBytes: true,
        removals: true,
      });
      const tags = new Map<string, SendAs>();
      // A batch of records per await (what the followers read since), not one each.
      for (let batch = await records.take(TAKE); batch !== undefined; batch = await records.take(TAKE)) {
        for (const record of batch) {
          if ('removed' in record) {
            // Its logs went with it: its entry can never be used again, once all it read is acked.
            const removed = this.#containers.get(record.removed);
            if (removed) removed.removed = true;
            if (!removed || removed.acked === removed.read) checkpoint.forget(record.removed);
            continue;
          }
          const { container } = record;
          // A service's records: each task is followed (and checkpointed) on its own.
          const task = record.service === undefined ? undefined : record.task ?? '';
          const key = task ?? container.id;
          const book: CheckpointBook = task === undefined ? 'containers' : 'tasks';
          let state = this.#containers.get(key);
          if (!state) {
            const resumed = (task === undefined ? checkpoint.positions : checkpoint.tasks).get(key);
            const acked: ContainerShipState = { id: key, name: container.name, read: 0, acked: 0, position: resumed, lagMs: undefined, removed: false };
            if (task !== undefined) acked.service = record.service;
            // One callback per container; each record's position comes back as its token.
            // A call may stand for several records (records), token being the last one's position.
            const onAck = (err?: Error, token?: unknown, records = 1): void => {
              if (err) return;
              acked.acked += records;
              acked.position = token as LogPosition;
              if (acked.removed && acked.acked === acked.read) checkpoint.forget(key, book);
              else checkpoint.advance(key, token as LogPosition, book);
            };
            state = Object.assign(acked, { readPosition: resumed, onAck });
            this.#containers.set(key, state);
            let extra = extrasWanted ? extraAttributes(container, to.options) : undefined;
            if (task !== undefined) extra = { ...extra, task_id: task, node_id: record.node ?? '' };
            tags.set(key, { tag: expandTag(template, container), extra, templates: driverTemplates(container, extra) });
          }
          const prev = state.readPosition;
          const position: LogPosition = prev && prev.time === record.time ? { time: record.time, count: prev.count + 1 } : { time: record.time, count: 1 };
          state.readPosition = position;
          state.read++;
          const { tag, extra, templates } = tags.get(key) as SendAs;
          const encoded = templates?.[record.stream];
          if (encoded) to.writeTemplated(tag, EventTime.fromRfc3339(record.time), encoded, record.log, state.onAck, position);
          else to.write(tag, EventTime.fromRfc3339(record.time), driverRecord(textOf(record), extra), state.onAck, position);
        }
        // Backpressure: no more reading until the receiver acked enough (or we are stopped).
        if (to.full) await Promise.race([to.drain(), aborted]);
        if (to.failed && !this.#abort.signal.aborted) throw to.failed;
        if (this.#abort.signal.aborted) break;
      }
    } catch (err) {
      failure = err;
    } finally {
      this.#abort.abort();
      await records?.return();
      // What was sent gets a while to be acked; then whatever is still unacked is dropped here
      // (the engine still has it: the next run ships it again from the checkpoint).
      await Promise.race([
        to.flush().then(undefined, (err: unknown) => {
          if (!(err instanceof AbortError)) failure ??= err;
        }),
        delay(options.drainTimeoutMs ?? 5000),
      ]);
      // Closed either way (nothing is left to ack once flushed): an open connection would keep
      // the process alive after done().
      to.destroy();
      clearInterval(timer);
      try {
        await checkpoint.save();
      } catch (err) {
        failure ??= err;
      }
      this.#ended = true;
    }
    if (failure !== undefined) throw failure;
  }

  async *status(intervalMs: number, finished: Promise<void>): AsyncGenerator<ShipStatus> {
    let last = { records: this.options.to.stats.records, bytes: this.options.to.stats.bytes, at: performance.now() };
    const ended = finished.then(() => undefined, () => undefined);
    while (!this.#ended) {
      await Promise.race([delay(intervalMs), ended]);
      const stats = this.options.to.stats;
      const now = performance.now();
      const seconds = Math.max((now - last.at) / 1000, 1e-3);
      const wall = Date.now();
      const containers = [...this.#containers.values()].map(({ readPosition: _r, onAck: _a, ...state }) => ({
        ...state,
        lagMs: state.position ? Math.max(0, wall - Date.parse(state.position.time)) : undefined,
      }));
      const lags = containers.map((c) => c.lagMs).filter((l): l is number => l !== undefined);
      yield {
        recordsPerSecond: (stats.records - last.records) / seconds,
        bytesPerSecond: (stats.bytes - last.bytes) / seconds,
        records: stats.records,
        lagMs: lags.length > 0 ? Math.max(...lags) : undefined,
        connected: stats.connected,
        pendingBytes: stats.pendingBytes,
        containers,
      };
      last = { records: stats.records, bytes: stats.bytes, at: now };
    }
  }
}

/** How a container's records are sent: its tag, the driver's extra fields, and their pre-encoded templates. */
interface SendAs {
  tag: string;
  extra: Record<string, string> | undefined;
  templates: DriverTemplates | undefined;
}

const utf8 = new TextDecoder();

/** The record with its line as text (the rare records that go through the general encoder). */
function textOf(record: LogLine): LogRecord {
  return typeof record.log === 'string' ? (record as LogRecord) : { ...record, log: utf8.decode(record.log) };
}

/** Records taken per turn: the pending window is checked between turns, so it overshoots by at most this. */
const TAKE = 512;

function delay(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
}
