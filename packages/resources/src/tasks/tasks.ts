import { enginePath, type Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type { TaskInspectResponse, TaskListQuery, TaskListResponse } from '../generated/engine-api.js';
import type { LogStream } from '../logs/log-stream.js';
import { type SwarmLogsOptions, swarmLog } from '../logs/swarm-log.js';
import { callJson } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `docker.tasks.list(options)`. */
export interface ListTasksOptions extends CallOptions, QueryOptions<TaskListQuery> {}

/**
 * A lazy handle on a swarm task by ID: no request until a method is called.
 *
 * @example
 * ```ts
 * const [t] = await docker.tasks.list({ filters: { service: ['web'], 'desired-state': ['running'] } });
 * for await (const line of docker.tasks.get(t!.ID!).logs({ follow: true }).lines()) console.log(line.text);
 * ```
 */
export class Task {
  /** The task's ID. */
  readonly id: string;
  readonly #transport: Transport;

  /** @internal Use `docker.tasks.get(id)`. */
  constructor(transport: Transport, id: string) {
    if (!id) throw new TypeError('A task ID is required.');
    this.#transport = transport;
    this.id = id;
  }

  /** `GET /tasks/{id}`. */
  inspect(options: CallOptions = {}): Promise<TaskInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/tasks/${this.id}` }, options);
  }

  /**
   * `GET /tasks/{id}/logs`: the same {@link LogStream} as a container's. Framing comes from
   * the `Content-Type` on API >= 1.42, else from the task's `Spec.ContainerSpec.TTY`.
   */
  logs(options: SwarmLogsOptions = {}): LogStream {
    return swarmLog(this.#transport, enginePath`/tasks/${this.id}/logs`, async (signal) => (await this.inspect({ signal })).Spec?.ContainerSpec?.TTY === true, options);
  }
}

/**
 * `docker.tasks`: the swarm's tasks (a manager answers): list, and lazy handles.
 *
 * @example
 * ```ts
 * const tasks = await docker.tasks.list({ filters: { service: ['web'] } });
 * console.log(tasks.map((t) => `${t.Slot} ${t.Status?.State} ${t.Status?.Err ?? ''}`));
 * ```
 */
export class Tasks {
  readonly #transport: Transport;

  /** @internal Use `docker.tasks`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A lazy handle on a task. */
  get(id: string): Task {
    return new Task(this.#transport, id);
  }

  /** `GET /tasks`. */
  list(options: ListTasksOptions = {}): Promise<TaskListResponse> {
    return callJson(this.#transport, { method: 'GET', path: '/tasks', query: { filters: options.filters } }, options);
  }
}
