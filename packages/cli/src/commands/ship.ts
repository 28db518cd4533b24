import type { ShipStatus } from '@dockyard/ship';
import type { CommandInput } from '../command.js';
import { UsageError } from '../command.js';
import { connect } from '../engine.js';
import { timeArg } from '../format/time-arg.js';
import { writeTo } from '../terminal/write.js';

interface ShipOptions {
  forward: string;
  ack?: boolean;
  gzip?: boolean;
  sharedKey?: string;
  checkpoint: string;
  label?: string[];
  name?: string[];
  tag?: string;
  since?: string;
}

const QUIET_STATUS_EVERY = 10;

/**
 * `dockyard ship --forward HOST:PORT --checkpoint FILE`: every selected container's log to a
 * Fluent Forward receiver, at least once, until Ctrl-C or SIGTERM, which stop it once what was
 * acked is in the checkpoint. Status on stderr: one live line on a terminal, else a line every
 * ten seconds.
 */
export default async function shipCommand({ opts, globals }: CommandInput<ShipOptions>): Promise<number> {
  const { host, port } = hostPort(opts.forward);
  const since = timeArg(opts.since, '--since');
  const [{ ship, forward }, docker] = await Promise.all([import('@dockyard/ship'), connect(globals)]);
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());
  const include = opts.label?.length || opts.name?.length ? { label: opts.label, name: opts.name } : undefined;
  const shipper = ship({
    source: docker,
    include,
    since,
    to: forward({ host, port, ack: opts.ack === true, compress: opts.gzip ? 'gzip' : undefined, sharedKey: opts.sharedKey, tag: opts.tag }),
    checkpoint: opts.checkpoint,
    signal: controller.signal,
  });
  const live = process.stderr.isTTY ? (await import('log-update')).createLogUpdate(process.stderr) : undefined;
  let n = 0;
  for await (const status of shipper.status()) {
    if (live) live(statusLine(status));
    else if (n++ % QUIET_STATUS_EVERY === 0) await writeTo(process.stderr, `${statusLine(status)}\n`);
  }
  live?.done();
  await shipper.done();
  await docker.close();
  return 0;
}

function statusLine(s: ShipStatus): string {
  const lag = s.lagMs === undefined ? '-' : `${(s.lagMs / 1000).toFixed(1)}s`;
  return `ship: ${s.connected ? 'connected' : 'reconnecting'}, ${s.containers.length} containers, ${s.records} records (${Math.round(s.recordsPerSecond)}/s), lag ${lag}`;
}

/** `host:port` or `[v6]:port`. */
function hostPort(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`invalid --forward "${value}": use HOST:PORT, e.g. 127.0.0.1:24224`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}
