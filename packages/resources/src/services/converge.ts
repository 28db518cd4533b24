import { StreamError } from '@dockyard/stream';
import { type Transport, enginePath } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import type { Service, Task } from '../generated/engine-api.js';
import { LazyStream } from '../lazy-stream.js';
import { callJson } from '../operation/handlers.js';
import { type DockerEvent, events } from '../system/events.js';

/** One report of {@link dockyard!Service.converge | `Service.converge()`}: how far the service is from what its spec asks for. */
export interface ConvergeReport {
  /**
   * Tasks the spec asks for: the engine's `ServiceStatus.DesiredTasks` (else `Replicas`); for
   * a replicated job, its `TotalCompletions`.
   */
  desired: number;
  /** Current tasks whose state is `running`. */
  running: number;
  /** Jobs only: tasks of the current job iteration that completed. */
  completed?: number;
  /** The service's current tasks (desired state `running`; for a job, its current iteration's), as the engine lists them. */
  tasks: Task[];
}

/** `service.converge(options)`. */
export interface ConvergeOptions extends StreamOptions {
  /**
   * Milliseconds between safety re-checks when no event arrives (default 2000). Events only
   * come from this engine's own containers: tasks on other nodes, and tasks that fail before
   * they have a container (a missing image), are seen by these re-checks.
   */
  recheck?: number;
}

const SETTLE_MS = 250;
const FAILED = new Set(['failed', 'rejected']);
const UPDATE_STUCK = new Set(['paused', 'rollback_paused']);
const UPDATE_DONE = new Set(['completed', 'rollback_completed']);

/** RFC 3339 with nanoseconds → milliseconds (Date.parse does not promise more than 3 digits). */
function timeMs(value: string | undefined): number {
  if (!value) return 0;
  return Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
}

/**
 * Watches a service until it has converged: reports `{ desired, running, tasks }` each time
 * they change, ends once every desired task runs (and a rolling update, if any, completed),
 * and throws {@link StreamError} naming the task when one of the current spec's tasks fails.
 * It re-reads the service and its tasks on each engine event about them (`GET /events`,
 * service and container events), with a slow safety re-check, not by busy polling.
 */
export function converge(transport: Transport, idOrName: string, options: ConvergeOptions = {}): LazyStream<ConvergeReport> {
  const recheck = options.recheck ?? 2000;
  if (!(recheck > 0)) throw new TypeError(`converge: recheck must be a positive number of milliseconds, not ${recheck}.`);
  return new LazyStream<ConvergeReport>(async (signal) => watch(transport, idOrName, recheck, signal), options);
}

async function* watch(transport: Transport, idOrName: string, recheck: number, signal: AbortSignal): AsyncGenerator<ConvergeReport> {
  const { ID: id } = await callJson<Service>(transport, { method: 'GET', path: enginePath`/services/${idOrName}` }, { signal });
  if (!id) throw new StreamError(`The engine sent service ${idOrName} without an ID.`);
  const wake = new Wakeup();
  // Not `service: [id]`: that filter drops container events too; `concerns` picks this service's.
  const feed = events(transport, { filters: { type: ['service', 'container'] }, signal });
  // Events are a hint to look again: should they end or fail, the re-checks still see everything.
  void (async () => {
    for await (const ev of feed) if (concerns(ev, id)) wake.notify();
  })().catch(() => undefined);
  let last = '';
  let afterEvent = false;
  try {
    for (;;) {
      const [service, tasks] = await Promise.all([
        callJson<Service[]>(transport, { method: 'GET', path: '/services', query: { filters: { id: [id] }, status: true } }, { signal }).then(
          (list) => list.find((s) => s.ID === id),
        ),
        callJson<Task[]>(transport, { method: 'GET', path: '/tasks', query: { filters: { service: [id] } } }, { signal }),
      ]);
      if (!service) throw new StreamError(`Service ${idOrName} was removed while converging.`);
      const { report, done, key } = assess(service, tasks);
      if (key !== last || done) {
        last = key;
        yield report;
      }
      if (done) return;
      // The manager records a task's new state a moment after its container's event: after
      // an event, look once more soon, then fall back to the slow re-check.
      const byEvent = await wake.next(afterEvent ? Math.min(SETTLE_MS, recheck) : recheck, signal);
      afterEvent = byEvent;
      signal.throwIfAborted();
    }
  } finally {
    await feed.close();
  }
}

/**
 * Where a service stands, from the engine's view of it and its tasks: the report, whether it
 * has converged, and a key that changes when anything reported changes. Throws
 * `StreamError` for a task of the current spec that failed, or a paused update.
 */
export function assess(service: Service, tasks: Task[]): { report: ConvergeReport; done: boolean; key: string } {
  const name = service.Spec?.Name ?? service.ID ?? '';
  const since = timeMs(service.UpdatedAt ?? service.CreatedAt);
  const failed = tasks.find((t) => FAILED.has(t.Status?.State ?? '') && timeMs(t.CreatedAt) >= since);
  if (failed) {
    const why = failed.Status?.Err ?? failed.Status?.Message ?? failed.Status?.State;
    throw new StreamError(`Task ${failed.ID} (${name}.${failed.Slot ?? failed.NodeID ?? ''}) of service ${name} failed: ${why}`);
  }
  const update = service.UpdateStatus?.State;
  if (update !== undefined && UPDATE_STUCK.has(update)) {
    throw new StreamError(`The update of service ${name} is ${update}: ${service.UpdateStatus?.Message ?? ''}`);
  }
  const key = (report: ConvergeReport): string => JSON.stringify([report.desired, report.running, report.completed, tasks.map((t) => [t.ID, t.Status?.State])]);
  const mode = service.Spec?.Mode;
  if (mode?.ReplicatedJob || mode?.GlobalJob) {
    // A job converges when its current iteration's tasks have completed.
    const iteration = service.JobStatus?.JobIteration?.Index;
    const current = tasks.filter((t) => iteration === undefined || t.JobIteration?.Index === iteration);
    const desired = mode.ReplicatedJob
      ? (mode.ReplicatedJob.TotalCompletions ?? mode.ReplicatedJob.MaxConcurrent ?? 1)
      : service.ServiceStatus?.DesiredTasks || current.length;
    const report: ConvergeReport = {
      desired,
      running: current.filter((t) => t.Status?.State === 'running').length,
      completed: current.filter((t) => t.Status?.State === 'complete').length,
      tasks: current,
    };
    return { report, done: desired > 0 && (report.completed ?? 0) >= desired, key: key(report) };
  }
  const current = tasks.filter((t) => t.DesiredState === 'running');
  const report: ConvergeReport = {
    desired: service.ServiceStatus?.DesiredTasks ?? mode?.Replicated?.Replicas ?? current.length,
    running: current.filter((t) => t.Status?.State === 'running').length,
    tasks: current,
  };
  // Tasks on their way out (scaled down, replaced) still count until they have stopped.
  const leaving = tasks.filter((t) => t.DesiredState !== 'running' && t.Status?.State === 'running').length;
  const done = report.running === report.desired && current.length === report.desired && leaving === 0 && (update === undefined || UPDATE_DONE.has(update));
  return { report, done, key: key(report) };
}

/** A service event about this service, or an event of one of its containers. */
function concerns(ev: DockerEvent, id: string): boolean {
  if (ev.Type === 'service') return ev.Actor?.ID === id;
  return ev.Actor?.Attributes?.['com.docker.swarm.service.id'] === id;
}

/** Wakes the watcher on an event, or after `ms`, or when aborted; an event while it looked is kept. */
class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;

  notify(): void {
    this.#pending = true;
    this.#resolve?.();
  }

  /** Resolves true when an event woke it (or one came while the watcher looked), false on the timer or an abort. */
  async next(ms: number, signal: AbortSignal): Promise<boolean> {
    if (!this.#pending && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.#resolve = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        this.#resolve = done;
      });
    }
    const woken = this.#pending;
    this.#pending = false;
    return woken;
  }
}
