import type { Chunk, StreamName } from './types.js';

/**
 * An iterator's `{ done: false, value }`, made by a constructor instead of an object literal
 * (internal). Why: when many objects of one object literal outlive a young-generation GC, as
 * a thousand streams starting at once make them do, V8 pretenures that literal's allocation
 * site and from then on allocates every object of it (one per chunk) straight into the old
 * generation, which only a full GC frees: a thousand followed logs held 30 s grew to 180 MiB
 * instead of 108. Objects made by `new` have no such site.
 */
export class NextResult<T> implements IteratorYieldResult<T> {
  readonly done = false;
  constructor(readonly value: T) {}
}

/** A demultiplexed {@link Chunk} made by a constructor, for the same reason as {@link NextResult}. */
export class StreamChunk implements Chunk {
  constructor(
    public stream: StreamName,
    public data: Uint8Array,
  ) {}
}

/** A {@link StreamChunk} with the log line's timestamp. */
export class StampedChunk implements Chunk {
  constructor(
    public stream: StreamName,
    public data: Uint8Array,
    public timestamp: string,
  ) {}
}
