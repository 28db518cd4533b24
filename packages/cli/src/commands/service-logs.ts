import type { CommandInput } from '../command.js';
import { UsageError } from '../command.js';
import { connect } from '../engine.js';
import { timeArg } from '../format/time-arg.js';
import { shortId } from '../format/units.js';
import { writeTo } from '../terminal/write.js';

interface ServiceLogsOptions {
  follow?: boolean;
  timestamps?: boolean;
  tail?: string;
  since?: string;
  raw?: boolean;
}

const encoder = new TextEncoder();
const SPACE = 0x20;

/**
 * `dockyard service logs SERVICE`: every task's log, stdout to stdout and stderr to stderr.
 * Each line starts with `<service>.<slot>.<task>@<node>    | ` as `docker service logs`
 * writes it; `--raw` leaves the bytes as the tasks wrote them.
 */
export default async function serviceLogs({ args, opts, globals }: CommandInput<ServiceLogsOptions>): Promise<number> {
  const tail = opts.tail === undefined || opts.tail === 'all' ? undefined : Number(opts.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new UsageError(`invalid --tail "${opts.tail}": a number of lines, or "all"`);
  const docker = await connect(globals);
  const handle = docker.services.get(String(args[0]));
  const prefixes = opts.raw ? undefined : await taskPrefixes(docker, String(args[0]));
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  const log = handle.logs({
    follow: opts.follow === true,
    timestamps: opts.timestamps === true,
    tail,
    since: timeArg(opts.since, '--since'),
    details: !opts.raw,
    signal: controller.signal,
  });
  try {
    for await (const chunk of log) {
      const out = chunk.stream === 'stderr' ? process.stderr : process.stdout;
      const parts: Uint8Array[] = [];
      if (chunk.timestamp !== undefined) parts.push(encoder.encode(`${chunk.timestamp} `));
      let data = chunk.data;
      if (prefixes) {
        // With details=1 the engine puts `k=v,k=v ` (the task's IDs) before each message.
        const space = data.indexOf(SPACE);
        const details = new TextDecoder().decode(data.subarray(0, Math.max(space, 0)));
        const task = /(?:^|,)com\.docker\.swarm\.task\.id=([^,]+)/.exec(details)?.[1];
        data = space >= 0 ? data.subarray(space + 1) : data;
        parts.push(encoder.encode(prefixes(task)));
      }
      parts.push(data);
      await writeTo(out, Buffer.concat(parts));
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  await docker.close();
  return 0;
}

type Docker = Awaited<ReturnType<typeof connect>>;

/** `name.slot.task@node`, padded to the longest task name, then `    | `. */
async function taskPrefixes(docker: Docker, service: string): Promise<(taskId: string | undefined) => string> {
  const inspected = await docker.services.get(service).inspect();
  const serviceName = inspected.Spec?.Name ?? service;
  const tasks = await docker.tasks.list({ filters: { service: [inspected.ID ?? service] } });
  const nodes = new Map((await docker.nodes.list()).map((n) => [n.ID ?? '', n.Description?.Hostname ?? n.ID ?? '']));
  const names = new Map(
    tasks.map((t) => [t.ID ?? '', { name: `${serviceName}.${t.Slot ? t.Slot : (t.NodeID ?? '')}.${shortId(t.ID ?? '')}`, node: nodes.get(t.NodeID ?? '') ?? '' }]),
  );
  const width = Math.max(0, ...[...names.values()].map((n) => n.name.length));
  return (taskId) => {
    const known = names.get(taskId ?? '');
    if (!known) return `${taskId ?? ''}    | `;
    return `${known.name.padEnd(width)}@${known.node}    | `;
  };
}
