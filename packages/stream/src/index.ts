// Public surface of this package: re-exports only.
export { type DemuxOptions, demuxFrames } from './demux.js';
export { StreamError, type StreamErrorOptions } from './errors.js';
export { jsonStream, type JsonStreamOptions } from './json.js';
export { type LinesOptions, lines } from './lines.js';
export { type ProgressMessage, type ProgressStreamOptions, progressStream } from './progress.js';
export { rawChunks } from './raw.js';
export { type SplitStreams, type SplitStreamsOptions, splitStreams } from './split.js';
export type { Chunk, Line, StreamName } from './types.js';
