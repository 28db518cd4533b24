import type { Transport } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import { FramingRule, chunksOf } from '../framing.js';
import type { ServiceLogsQuery } from '../generated/engine-api.js';
import { openStream } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';
import { type TimeValue, encodeTime } from '../time-value.js';
import { type LogSides, LogStream } from './log-stream.js';

/** `service.logs(options)` and `task.logs(options)`: the query of `GET /services/{id}/logs` (the same as a task's). */
export interface SwarmLogsOptions extends StreamOptions, Omit<QueryOptions<ServiceLogsQuery>, 'since' | 'tail'> {
  /** Only messages since this time: a `Date`, Unix seconds, or the engine's string forms. */
  since?: TimeValue;
  /** Only this many lines from the end of each task's log (`'all'` for every line). */
  tail?: number | 'all';
}

/**
 * A service's or task's log as the same {@link LogStream} a container's is. `tty` tells
 * whether the service's (or task's) `ContainerSpec.TTY` is set: asked only on engines
 * whose `Content-Type` does not say (below API 1.42).
 */
export function swarmLog(transport: Transport, path: string, tty: (signal: AbortSignal | undefined) => Promise<boolean>, options: SwarmLogsOptions): LogStream {
  const { follow, since, timestamps, tail, details } = options;
  // Below API 1.42 the engine frames a swarm log by the service's (or task's) TTY setting.
  const framingRule = new FramingRule(transport, tty);
  return new LogStream(async (signal, sides: LogSides) => {
    const res = await openStream(
      transport,
      {
        method: 'GET',
        path,
        query: {
          details,
          follow,
          stdout: sides?.stdout ?? options.stdout ?? true,
          stderr: sides?.stderr ?? options.stderr ?? true,
          since: encodeTime(since),
          timestamps,
          tail: tail === undefined ? undefined : String(tail),
        },
      },
      options,
      signal,
    );
    const framing = await framingRule.of(res.headers['content-type'], signal);
    return { chunks: chunksOf(res.body, framing, timestamps === true) };
  }, options);
}
