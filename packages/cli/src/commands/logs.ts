import type { CommandInput } from '../command.js';
import { UsageError } from '../command.js';
import { connect } from '../engine.js';
import { timeArg } from '../format/time-arg.js';
import { writeTo } from '../terminal/write.js';

interface LogsOptions {
  follow?: boolean;
  timestamps?: boolean;
  tail?: string;
  since?: string;
  until?: string;
}

const encoder = new TextEncoder();

/**
 * `dockyard logs`: the container's stdout bytes to stdout and its stderr bytes to stderr,
 * unchanged (with -t, each message after its time and a space, as the engine sends it).
 */
export default async function logs({ args, opts, globals }: CommandInput<LogsOptions>): Promise<number> {
  const tail = opts.tail === undefined || opts.tail === 'all' ? undefined : Number(opts.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) {
    throw new UsageError(`invalid --tail "${opts.tail}": a number of lines, or "all"`);
  }
  const docker = await connect(globals);
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort()); // `on`, not `once`: a second Ctrl-C must not kill mid-cleanup
  const log = docker.containers.get(String(args[0])).logs({
    follow: opts.follow === true,
    timestamps: opts.timestamps === true,
    tail,
    since: timeArg(opts.since, '--since'),
    until: timeArg(opts.until, '--until'),
    signal: controller.signal,
  });
  try {
    for await (const chunk of log) {
      const out = chunk.stream === 'stderr' ? process.stderr : process.stdout;
      await writeTo(out, chunk.timestamp === undefined ? chunk.data : Buffer.concat([encoder.encode(`${chunk.timestamp} `), chunk.data]));
    }
  } catch (err) {
    // Ctrl-C while following ends the command, not with an error.
    if (!controller.signal.aborted) throw err;
  }
  await docker.close();
  return 0;
}
