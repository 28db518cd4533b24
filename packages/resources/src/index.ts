// dockyard: the public API. Re-exports only.
export { Docker, type DockerOptions } from './docker.js';
export { Containers } from './containers/containers.js';
export { Container } from './containers/container.js';
export type * from './containers/options.js';
export { LogStream, type LogLinesOptions, type LogSource, type LogSides, type OpenLog } from './logs/log-stream.js';
export { ExecProcess, type ExecOptions, type ExecExit, type ExecOutput, type ExecStdin } from './exec/exec-process.js';
export { AttachSession } from './exec/attach-session.js';
export { LazyStream, type StreamOptions, type OpenSource } from './lazy-stream.js';
export { ProgressStream } from './progress-stream.js';
export { Images, type PullOptions, type PullResult, type ListImagesOptions } from './images/images.js';
export { Image, type TagImageOptions, type RemoveImageOptions } from './images/image.js';
export { parseReference, formatReference, type ParsedReference } from './images/reference.js';
export { encodeRegistryAuth, type RegistryAuth } from './images/registry-auth.js';
export type { EventsOptions } from './system/events.js';
export type { DiskUsage } from './system/disk-usage.js';
export type { RunOptions, RunResult, LiveOutput } from './run.js';
export { ContainerError, type ContainerErrorDetails } from './container-error.js';
export type { Filters } from './filters.js';
export type { TimeValue } from './time-value.js';
export type * from './generated/engine-api.js';
export type { Chunk, Line, StreamName, ProgressMessage } from '@dockyard/stream';
export { StreamError } from '@dockyard/stream';
export {
  DockerError,
  NotModifiedError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  ServerError,
  ConnectionError,
  TimeoutError,
  AbortError,
} from '@dockyard/transport';
