import type { DockerEvent } from 'dockyard';
import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { filtersOf, formatOf } from '../format/key-values.js';
import { timeArg } from '../format/time-arg.js';
import { writeTo } from '../terminal/write.js';

interface EventsOptions {
  filter?: string[];
  since?: string;
  until?: string;
  format?: string;
}

/** `dockyard events`: one line per event as they happen, until Ctrl-C (or `--until`). */
export default async function events({ opts, globals }: CommandInput<EventsOptions>): Promise<number> {
  const format = formatOf(opts.format);
  const docker = await connect(globals);
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort()); // `on`, not `once`: a second Ctrl-C must not kill mid-cleanup
  const stream = docker.events({
    filters: filtersOf(opts.filter),
    since: timeArg(opts.since, '--since'),
    until: timeArg(opts.until, '--until'),
    signal: controller.signal,
  });
  try {
    for await (const event of stream) await writeTo(process.stdout, format === 'json' ? engineJson(event) : line(event));
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  await docker.close();
  return 0;
}

/** The event as the engine sent it: the SDK keeps `timeNano` as exact decimal digits; here it is a number again. */
function engineJson(event: DockerEvent): string {
  return `${JSON.stringify(event).replace(/"timeNano":"(\d+)"/, '"timeNano":$1')}\n`;
}

/** As `docker events` prints one: time, type, action, actor ID and its attributes sorted by key. */
function line(event: DockerEvent): string {
  const attributes = Object.entries(event.Actor?.Attributes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  const suffix = attributes.length ? ` (${attributes.join(', ')})` : '';
  return `${timeOf(event)} ${event.Type ?? ''} ${event.Action ?? ''} ${event.Actor?.ID ?? ''}${suffix}\n`;
}

/** RFC 3339 with nanoseconds, from `timeNano` (or `time`). */
function timeOf(event: DockerEvent): string {
  const nanos = event.timeNano !== undefined ? BigInt(event.timeNano) : BigInt(event.time ?? 0) * 1_000_000_000n;
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}
