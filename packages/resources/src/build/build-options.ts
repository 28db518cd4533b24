import type { Readable } from 'node:stream';
import type { ProgressMessage } from '@dockyard/stream';
import type { Query } from '@dockyard/transport';
import type { RegistryAuth } from '../auth/registry-auth.js';
import type { StreamOptions } from '../call-options.js';
import type { ImageBuildQuery } from '../generated/engine-api.js';
import type { QueryOptions } from '../operation/query-options.js';

/**
 * What to build from: a directory (packed with `.dockerignore` honoured, see `packContext`),
 * or a ready tar archive as a Node stream, an async iterable of bytes, or one buffer
 * (plain or gzip, bzip2, xz compressed: the engine detects which).
 */
export type BuildContext = string | Readable | AsyncIterable<Uint8Array> | Uint8Array;

/** The `/build` query parameters taken in a friendlier form than the spec's JSON strings. */
type ReshapedBuildQuery = 't' | 'buildargs' | 'labels' | 'cachefrom' | 'extrahosts' | 'pull' | 'outputs';

/**
 * `docker.images.build(options)`: every `/build` query parameter of the engine
 * (`ImageBuildQuery`: `dockerfile`, `q`, `nocache`, `rm`, `forcerm`, `memory`, `memswap`,
 * `cpushares`, `cpusetcpus`, `cpuperiod`, `cpuquota`, `shmsize`, `squash`, `networkmode`,
 * `platform`, `target`, `remote`, `version`, ...) under its own name, except those reshaped
 * below (`tag` is the engine's `t`; maps and lists instead of JSON strings).
 */
export interface BuildOptions extends StreamOptions, Omit<QueryOptions<ImageBuildQuery>, ReshapedBuildQuery> {
  /** The context: a directory, or a tar. Required unless `remote` names the context. */
  context?: BuildContext;
  /**
   * The Dockerfile, as the docker CLI's `-f` takes it: a path relative to the context
   * directory, or an absolute path (default `Dockerfile`). A Dockerfile outside a directory
   * context is sent inside the context tar under a generated name (`.dockerfile.<random>`),
   * as the CLI does; with a tar context it is the path inside the tar.
   */
  dockerfile?: string;
  /** One or more `name:tag` to give the image (the engine's `t`). */
  tag?: string | string[];
  /** Values for the Dockerfile's `ARG`s. */
  buildargs?: Record<string, string>;
  /** Labels set on the image. */
  labels?: Record<string, string>;
  /** Pull the base images even when they are present. */
  pull?: boolean;
  /** `host:ip` entries added to `/etc/hosts` of `RUN` steps. */
  extrahosts?: string | string[];
  /** Images whose layers the cache may use. */
  cachefrom?: string[];
  /** BuildKit outputs (`[{ Type: 'moby', Attrs: { ... } }]`), sent as the JSON the engine takes. */
  outputs?: Array<{ Type: string; Attrs?: Record<string, string> }>;
  /**
   * Credentials for the registries the build pulls from, keyed by registry (`X-Registry-Config`).
   * Default: every registry `$DOCKER_CONFIG/config.json` holds credentials for, as the CLI sends.
   */
  auth?: Record<string, RegistryAuth>;
}

/** One message of a build's progress stream: `stream` carries the build's output text. */
export interface BuildMessage extends ProgressMessage {
  /** A piece of the build output, e.g. `Step 1/3 : FROM busybox\n`. */
  stream?: string;
  /** `{ ID: 'sha256:…' }` once the image is built. */
  aux?: { ID?: string };
}

/** What `build(…).done()` resolves with. */
export interface BuildResult {
  /**
   * The built image's ID: `sha256:…` from the engine's `aux` message, or, from engines that do
   * not send one (API < 1.30), the short ID of the final `Successfully built …` line.
   */
  imageId: string;
  /** How many bytes of build context were sent to the engine. */
  contextBytes: number;
}

/** The `/build` query for these options, with `dockerfile` as the engine is to find it. */
export function buildQuery(options: BuildOptions, dockerfile: string | undefined = options.dockerfile): Query {
  const { context: _context, auth: _auth, signal: _signal, timeout: _timeout, tag, buildargs, labels, pull, extrahosts, cachefrom, outputs, ...rest } = options;
  const list = (value: string | string[] | undefined) => (value === undefined ? undefined : typeof value === 'string' ? [value] : value);
  return {
    ...rest,
    dockerfile,
    t: list(tag),
    buildargs,
    labels,
    pull,
    extrahosts: list(extrahosts),
    cachefrom: cachefrom === undefined ? undefined : JSON.stringify(cachefrom),
    outputs: outputs === undefined ? undefined : JSON.stringify(outputs),
  };
}
