import type { Docker, Service, StreamName } from 'dockyard';
import type { Channel } from './channel.js';
import type { ContainerSelector } from './select.js';
import { selects } from './select.js';
import type { LogLine, LogRecord } from './follow-all.js';
import { LineMerger } from './line-merger.js';

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

/** Follows every service's logs on a swarm manager (`/services/{id}/logs` with details). */
export class ServiceFollower {
  readonly #active = new Set<string>();

  constructor(
    readonly docker: Docker,
    readonly options: { include?: ContainerSelector; exclude?: ContainerSelector; since?: import('dockyard').TimeValue },
    readonly channel: Channel<LogLine>,
    readonly signal: AbortSignal,
  ) {}

  async run(): Promise<void> {
    let since: number | undefined;
    while (!this.signal.aborted) {
      const subscribedAt = since ?? Math.floor(Date.now() / 1000) - 1;
      await this.#startAll();
      const events = this.docker.events({ since: subscribedAt, filters: { type: ['service'], event: ['create'] }, signal: this.signal, reconnect: true });
      try {
        for await (const event of events) {
          since = event.time ?? since;
          if (event.Type === 'dockyard' || event.Actor?.ID) await this.#startAll();
        }
      } catch {
        if (this.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
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
      void this.#follow(this.docker.services.get(id), info).catch(() => {}).finally(() => this.#active.delete(id));
    }
  }

  async #follow(service: Service, container: LogRecord['container']): Promise<void> {
    // One merger per task: parts of different tasks' lines never mix.
    const mergers = new Map<string, LineMerger>();
    const logs = service.logs({ follow: true, timestamps: true, details: true, since: this.options.since, signal: this.signal });
    for await (const chunk of logs) {
      const { details, rest } = splitDetails(chunk.data);
      const task = details['com.docker.swarm.task.id'] ?? '';
      let merger = mergers.get(task);
      if (!merger) mergers.set(task, (merger = new LineMerger()));
      const line = merger.push({ stream: chunk.stream, data: rest, timestamp: chunk.timestamp });
      if (!line) continue;
      const record: LogRecord = {
        container,
        stream: line.stream as StreamName,
        time: line.time ?? new Date().toISOString(),
        log: line.log,
        service: details['com.docker.swarm.service.id'] ?? container.id,
        task,
        node: details['com.docker.swarm.node.id'] ?? '',
      };
      const pause = this.channel.push(record);
      if (pause) await pause;
    }
  }
}
