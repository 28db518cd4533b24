/** Which output of a container a piece of data came from. */
export type StreamName = 'stdout' | 'stderr';

/** A piece of a container's output, tagged with the stream it came from. */
export interface Chunk {
  stream: StreamName;
  data: Uint8Array;
  /** The engine's RFC 3339 timestamp for this piece, when something upstream split it off. */
  timestamp?: string;
}

/** One decoded UTF-8 line of a container's output, without its `\n` or `\r\n`. */
export interface Line {
  stream: StreamName;
  text: string;
  /** The RFC 3339 (nano) timestamp the engine wrote before the line, when asked for. */
  timestamp?: string;
}
