import { jsonStream } from '@dockyard/stream';
import type { Transport } from '@dockyard/transport';
import type { Filters } from '../filters.js';
import type { EventMessage } from '../generated/engine-api.js';
import { LazyStream, type StreamOptions } from '../lazy-stream.js';
import { type TimeValue, encodeTime } from '../time-value.js';

/** `docker.events(options)`. */
export interface EventsOptions extends StreamOptions {
  /** Replay events from this time on (the engine keeps the last 1000). */
  since?: TimeValue;
  /** Stop at this time: the stream then ends by itself. */
  until?: TimeValue;
  /** E.g. `{ type: ['container'], event: ['die'], label: ['app=web'] }`. */
  filters?: Filters;
}

/** `GET /events`: engine events as they happen, as typed {@link EventMessage}s. */
export function events(transport: Transport, options: EventsOptions = {}): LazyStream<EventMessage> {
  return new LazyStream(async (signal) => {
    const res = await transport.request({
      method: 'GET',
      path: '/events',
      query: { since: encodeTime(options.since), until: encodeTime(options.until), filters: options.filters },
      signal,
      timeout: 0,
    });
    return jsonStream<EventMessage>(res.body);
  }, options);
}
