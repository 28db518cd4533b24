// dockyard: the public API. Re-exports only.
export { Docker, type DockerOptions } from './docker.js';
export { Containers } from './containers/containers.js';
export { Container } from './containers/container.js';
export type * from './containers/options.js';
export { LogStream, type LogLinesOptions, type LogSource, type LogSides, type OpenLog } from './logs/log-stream.js';
export { ExecProcess, type ExecOptions, type ExecExit, type ExecOutput, type ExecStdin } from './exec/exec-process.js';
export { AttachSession } from './exec/attach-session.js';
export { OutputReader } from './exec/exec-output.js';
export { FramingRule, type Framing } from './framing.js';
export { LazyStream, type LazyStreamHooks, type OpenSource } from './lazy-stream.js';
export { ArchiveStream, type OpenArchive } from './archive/archive-stream.js';
export { ArchiveEntryError, ArchiveSourceError } from './archive/errors.js';
export { extractTar } from './archive/extract-to.js';
export { decodePathStat, type PathStat } from './archive/path-stat.js';
export type { ArchiveSource, PutArchiveOptions } from './archive/put-archive.js';
export { ProgressStream, type ProgressSummary } from './progress-stream.js';
export { Images, type PullOptions, type PullResult, type ListImagesOptions, type PruneImagesOptions, type SearchImagesOptions } from './images/images.js';
export type { BuildOptions, BuildMessage, BuildResult, BuildContext } from './build/build-options.js';
export { packContext, BuildContextError, type PackContextOptions } from './build/pack-context.js';
export { DockerignoreMatcher, parseDockerignore, type MatchResult, type ParentMatches } from './build/dockerignore.js';
export { DockerignoreSyntaxError, type IgnorePattern } from './build/ignore-pattern.js';
export {
  Image,
  type TagImageOptions,
  type RemoveImageOptions,
  type InspectImageOptions,
  type ImageHistoryOptions,
  type ImageAttestationsOptions,
  type ExportImageOptions,
} from './images/image.js';
export { parseReference, formatReference, type ParsedReference } from './images/reference.js';
export { encodeRegistryAuth, encodeRegistryConfig, type RegistryAuth } from './auth/registry-auth.js';
export { credentialsFor, allCredentials, type CredentialStoreOptions } from './auth/docker-config-credentials.js';
export { CredentialHelperError } from './auth/credential-helper.js';
export { registryOf, DOCKER_HUB_SERVER } from './auth/registry-host.js';
export type { PushOptions, PushResult } from './images/push.js';
export type { ImportOptions, ImportResult, LoadResult, TarSource, SaveImagesOptions, LoadImagesOptions } from './images/transfer.js';
export { Volumes, Volume, type RemoveVolumeOptions, type UpdateVolumeOptions, type ListVolumesOptions, type PruneVolumesOptions } from './volumes/volumes.js';
export {
  Networks,
  Network,
  type ConnectOptions,
  type DisconnectOptions,
  type InspectNetworkOptions,
  type ListNetworksOptions,
  type PruneNetworksOptions,
} from './networks/networks.js';
export type { EventsOptions, DockerEvent, ReconnectedEvent, ReconnectingEventsOptions } from './system/events.js';
export type { RetryOptions } from './retry-policy.js';
export { Fleet, FleetContainers, type FleetEvent, type FleetEventsOptions, type FleetContainerSummary } from './fleet/fleet.js';
export type { FleetLogsOptions, FleetLogItem, FleetLogContainer } from './fleet/fleet-logs.js';
export { FleetError, type EngineFailure } from './fleet/fleet-error.js';
export type { DiskUsage, DiskUsageOptions } from './system/disk-usage.js';
export { Swarm, type LeaveSwarmOptions, type UpdateSwarmOptions } from './swarm/swarm.js';
export { Nodes, Node, type ListNodesOptions, type RemoveNodeOptions, type UpdateNodeOptions } from './nodes/nodes.js';
export {
  Services,
  Service,
  type CreateServiceOptions,
  type UpdateServiceOptions,
  type RollbackServiceOptions,
  type InspectServiceOptions,
  type ListServicesOptions,
} from './services/services.js';
export type { ConvergeOptions, ConvergeReport } from './services/converge.js';
export type { SwarmLogsOptions } from './logs/swarm-log.js';
export { Tasks, Task, type ListTasksOptions } from './tasks/tasks.js';
export { Secrets, Secret, type ListSecretsOptions, type UpdateSecretOptions } from './secrets/secrets.js';
export { Configs, Config, type ListConfigsOptions, type UpdateConfigOptions } from './configs/configs.js';
export {
  Plugins,
  Plugin,
  type GrantPrivileges,
  type InstallPluginOptions,
  type UpgradePluginOptions,
  type PushPluginOptions,
  type PluginPushResult,
  type EnablePluginOptions,
  type DisablePluginOptions,
  type RemovePluginOptions,
  type ListPluginsOptions,
  type PluginPrivilegesOptions,
} from './plugins/plugins.js';
export { PluginPrivilegesRefusedError } from './plugins/errors.js';
export { BuildCache, type PruneBuildCacheOptions } from './system/build-cache.js';
export type { CommitOptions } from './containers/commit.js';
export { AttachWebSocket, type AttachWebSocketOptions } from './containers/attach-websocket.js';
export type { DistributionOptions } from './images/distribution.js';
export type { RunOptions, RunResult, LiveOutput } from './run.js';
export { ContainerError, type ContainerErrorDetails } from './container-error.js';
export type { Filters } from './filters.js';
export { encodeTime, type TimeValue } from './time-value.js';
export type * from './generated/engine-api.js';
/** Every engine type, including those whose names the handles take (`Engine.Volume`, `Engine.Service`, ...). */
export type * as Engine from './generated/engine-api.js';
export type { CallOptions, StreamOptions } from './call-options.js';
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
