import type { Transport } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import type { Filters } from '../filters.js';
import type { EventMessage } from '../generated/engine-api.js';
import type { LazyStream } from '../lazy-stream.js';
import { streamJson } from '../operation/handlers.js';
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
  const query = { since: encodeTime(options.since), until: encodeTime(options.until), filters: options.filters };
  return streamJson<EventMessage>(transport, { method: 'GET', path: '/events', query }, options);
}
