import type { Readable } from 'node:stream';
import type { ProgressMessage } from '@dockyard/stream';
import type { Query } from '@dockyard/transport';
import type { RegistryAuth } from '../auth/registry-auth.js';
import type { StreamOptions } from '../lazy-stream.js';

/**
 * What to build from: a directory (packed with `.dockerignore` honoured, see `packContext`),
 * or a ready tar archive as a Node stream, an async iterable of bytes, or one buffer
 * (plain or gzip, bzip2, xz compressed: the engine detects which).
 */
export type BuildContext = string | Readable | AsyncIterable<Uint8Array> | Uint8Array;

/**
 * `docker.images.build(options)`. Options are named as the engine's `/build` query names
 * them; see the Engine API for each.
 */
export interface BuildOptions extends StreamOptions {
  context: BuildContext;
  /** The Dockerfile's path inside the context; default `Dockerfile`. */
  dockerfile?: string;
  /** One or more `name:tag` to give the image. */
  tag?: string | string[];
  /** Values for the Dockerfile's `ARG`s. */
  buildargs?: Record<string, string>;
  /** The stage of a multi-stage Dockerfile to build up to. */
  target?: string;
  /** Labels set on the image. */
  labels?: Record<string, string>;
  /** Build without the cache. */
  nocache?: boolean;
  /** Pull the base images even when they are present. */
  pull?: boolean;
  /** `os[/arch[/variant]]`. */
  platform?: string;
  /** The network `RUN` steps use: `bridge`, `host`, `none`, `container:<id>` or a network's name. */
  networkmode?: string;
  /** `host:ip` entries added to `/etc/hosts` of `RUN` steps. */
  extrahosts?: string | string[];
  /** Remove intermediate containers after a successful build (the engine's default: true). */
  rm?: boolean;
  /** Always remove intermediate containers, even those of a failed step. */
  forcerm?: boolean;
  /** Images whose layers the cache may use. */
  cachefrom?: string[];
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

/** The `/build` query for these options. */
export function buildQuery(options: BuildOptions): Query {
  const tags = options.tag === undefined ? undefined : typeof options.tag === 'string' ? [options.tag] : options.tag;
  const hosts = options.extrahosts === undefined ? undefined : typeof options.extrahosts === 'string' ? [options.extrahosts] : options.extrahosts;
  return {
    dockerfile: options.dockerfile,
    t: tags,
    buildargs: options.buildargs,
    target: options.target,
    labels: options.labels,
    nocache: options.nocache,
    pull: options.pull,
    rm: options.rm,
    forcerm: options.forcerm,
    platform: options.platform,
    networkmode: options.networkmode,
    extrahosts: hosts,
    cachefrom: options.cachefrom === undefined ? undefined : JSON.stringify(options.cachefrom),
  };
}
