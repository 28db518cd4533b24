import { type Transport, enginePath } from '@dockyard/transport';
import type { ArchiveStream } from '../archive/archive-stream.js';
import { getArchive } from '../archive/get-archive.js';
import { type PathStat, statPath } from '../archive/path-stat.js';
import { type ArchiveSource, type PutArchiveOptions, putArchive } from '../archive/put-archive.js';
import type { CallOptions, StreamOptions } from '../call-options.js';
import { AttachSession } from '../exec/attach-session.js';
import { type AttachWebSocket, type AttachWebSocketOptions, attachWebSocket } from './attach-websocket.js';
import { type CommitOptions, commitContainer } from './commit.js';
import type { Image } from '../images/image.js';
import { ExecProcess, type ExecOptions } from '../exec/exec-process.js';
import { FramingRule, chunksOf } from '../framing.js';
import type {
  ContainerInspectResponse,
  ContainerStatsResponse,
  ContainerTopResponse,
  ContainerUpdateBody,
  ContainerUpdateResponse,
  ContainerWaitResponse,
  FilesystemChange,
} from '../generated/engine-api.js';
import type { LazyStream } from '../lazy-stream.js';
import { type LogSides, LogStream } from '../logs/log-stream.js';
import { callHijack, callJson, callUnit, openStream, streamBytes, streamJson } from '../operation/handlers.js';
import { needs } from '../operation/version-gate.js';
import { encodeTime } from '../time-value.js';
import type {
  AttachOptions,
  InspectContainerOptions,
  KillOptions,
  LogsOptions,
  RemoveContainerOptions,
  StartContainerOptions,
  StatsOnceOptions,
  StatsOptions,
  StopOptions,
  TopOptions,
  TtySize,
  WaitOptions,
} from './options.js';

/**
 * A handle on one container, by ID or name. Making one does no request; each method is one
 * engine call (or one stream) and reads as the HTTP call it makes.
 *
 * @example
 * ```ts
 * const c = docker.containers.get('job-1');
 * await c.start();
 * const { StatusCode } = await c.wait();
 * ```
 */
export class Container {
  /** The ID or name this handle was made with (the full ID when it came from `create`). */
  readonly id: string;
  /** Warnings the engine sent when this handle came from `create` (else empty). */
  readonly warnings: readonly string[];
  readonly #transport: Transport;
  /** Output framing: `Content-Type`, else (below API 1.42) this container's `Config.Tty`. */
  readonly #framing: FramingRule;

  /** @internal Use `docker.containers.get(id)`. */
  constructor(transport: Transport, id: string, warnings: readonly string[] = []) {
    if (!id) throw new TypeError('A container ID or name is required.');
    this.#transport = transport;
    this.id = id;
    this.warnings = warnings;
    this.#framing = new FramingRule(transport, async (signal) => (await this.inspect({ signal })).Config?.Tty === true);
  }

  /** `GET /containers/{id}/json`: everything the engine knows about the container. */
  inspect(options: InspectContainerOptions = {}): Promise<ContainerInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/containers/${this.id}/json`, query: { size: options.size } }, options);
  }

  /** `POST /containers/{id}/start`. Starting a running container resolves (the engine's 304). */
  start(options: StartContainerOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/containers/${this.id}/start`, query: { detachKeys: options.detachKeys } }, options);
  }

  /**
   * `POST /containers/{id}/stop`: the stop signal (`signal`, API 1.42+), then SIGKILL after
   * `timeout` seconds. A stopped container resolves.
   */
  stop(options: StopOptions = {}): Promise<void> {
    return this.#stopOrRestart('stop', options);
  }

  /** `POST /containers/{id}/restart`: stops as `stop` does, then starts. */
  restart(options: StopOptions = {}): Promise<void> {
    return this.#stopOrRestart('restart', options);
  }

  /** `POST /containers/{id}/kill`: sends a signal (SIGKILL by default). */
  kill(options: KillOptions = {}): Promise<void> {
    const signal = options.signal === undefined ? undefined : String(options.signal);
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/containers/${this.id}/kill`, query: { signal } }, { signal: options.abortSignal });
  }

  /** `POST /containers/{id}/pause`. */
  pause(options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/containers/${this.id}/pause` }, options);
  }

  /** `POST /containers/{id}/unpause`. */
  unpause(options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/containers/${this.id}/unpause` }, options);
  }

  /** `POST /containers/{id}/rename?name=…`. This handle keeps the ID or name it was made with. */
  rename(name: string, options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/containers/${this.id}/rename`, query: { name } }, options);
  }

  /** `POST /containers/{id}/update`: change resources (memory, CPU, restart policy) of a live container. */
  update(resources: ContainerUpdateBody, options: CallOptions = {}): Promise<ContainerUpdateResponse> {
    return callJson(this.#transport, { method: 'POST', path: enginePath`/containers/${this.id}/update`, body: resources }, options);
  }

  /**
   * `POST /containers/{id}/wait`: resolves when the container reaches `condition` (default
   * `not-running`). No deadline unless `timeout` is set: then `TimeoutError` past it.
   */
  wait(options: WaitOptions = {}): Promise<ContainerWaitResponse> {
    return callJson(
      this.#transport,
      { method: 'POST', path: enginePath`/containers/${this.id}/wait`, query: { condition: options.condition }, slow: true },
      options,
    );
  }

  /** `DELETE /containers/{id}`: `force` kills a running one first; `volumes` removes its anonymous volumes. */
  remove(options: RemoveContainerOptions = {}): Promise<void> {
    return callUnit(
      this.#transport,
      { method: 'DELETE', path: enginePath`/containers/${this.id}`, query: { force: options.force, v: options.volumes ?? options.v, link: options.link } },
      options,
    );
  }

  /** `GET /containers/{id}/top`: the processes running in the container. */
  top(options: TopOptions = {}): Promise<ContainerTopResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/containers/${this.id}/top`, query: { ps_args: options.psArgs } }, options);
  }

  /** `GET /containers/{id}/changes`: files added, changed or deleted against the image (an array, empty for none). */
  async changes(options: CallOptions = {}): Promise<FilesystemChange[]> {
    return (await callJson<FilesystemChange[] | null>(this.#transport, { method: 'GET', path: enginePath`/containers/${this.id}/changes` }, options)) ?? [];
  }

  /** `GET /containers/{id}/export`: the container's filesystem as tar bytes. */
  export(options: StreamOptions = {}): LazyStream<Uint8Array> {
    return streamBytes(this.#transport, { method: 'GET', path: enginePath`/containers/${this.id}/export` }, options);
  }

  /** `POST /containers/{id}/resize?h=…&w=…`: the TTY size of a container started with `Tty: true`. */
  resize(size: TtySize, options: CallOptions = {}): Promise<void> {
    return callUnit(this.#transport, { method: 'POST', path: enginePath`/containers/${this.id}/resize`, query: { h: size.h, w: size.w } }, options);
  }

  /**
   * `GET /containers/{id}/logs`: typed chunks, lines, text, or one stream's bytes. Framing comes
   * from the response's `Content-Type` on API >= 1.42, else from the container's `Config.Tty`.
   */
  logs(options: LogsOptions = {}): LogStream {
    const { follow, since, until, timestamps, tail } = options;
    return new LogStream(async (signal, sides: LogSides) => {
      const known = await this.#framing.beforeRequest(signal);
      const query = {
        follow,
        stdout: sides?.stdout ?? options.stdout ?? true,
        stderr: sides?.stderr ?? options.stderr ?? true,
        since: encodeTime(since),
        until: encodeTime(until),
        timestamps,
        tail: tail === undefined ? undefined : String(tail),
      };
      const res = await openStream(this.#transport, { method: 'GET', path: enginePath`/containers/${this.id}/logs`, query }, options, signal);
      const framing = known ?? (await this.#framing.of(res.headers['content-type'], signal));
      return { chunks: chunksOf(res.body, framing, timestamps === true) };
    }, options);
  }

  /**
   * `POST /containers/{id}/attach` over a hijacked connection: write to stdin, half-close it
   * with `end()`, and read output until the engine closes. A container that has exited is
   * attached with `stream: false` unless `stream` is set: the session gives what `logs: true`
   * asks for (the output so far) and ends, instead of waiting for the container to restart.
   */
  async attach(options: AttachOptions = {}): Promise<AttachSession> {
    const { signal } = options;
    let stream = options.stream;
    if (stream === undefined) {
      const info = await this.inspect({ signal });
      if (info.Config?.Tty !== undefined) this.#framing.remember(info.Config.Tty === true);
      stream = !(info.State?.Status === 'exited' || info.State?.Status === 'dead');
    }
    const known = await this.#framing.beforeRequest(signal);
    const conn = await callHijack(
      this.#transport,
      {
        method: 'POST',
        path: enginePath`/containers/${this.id}/attach`,
        query: {
          stream,
          logs: options.logs,
          stdin: options.stdin,
          stdout: options.stdout ?? true,
          stderr: options.stderr ?? true,
          detachKeys: options.detachKeys,
        },
      },
      options,
    );
    try {
      const framing = known ?? (await this.#framing.ofHijack(conn.mediaType, signal));
      return new AttachSession(conn, framing, (size) => this.resize(size), options);
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  /**
   * Runs a command in the container, like `child_process.spawn`: returns at once; the exec is
   * created (`POST /containers/{id}/exec`) and started (`POST /exec/{id}/start`) on the first use.
   */
  exec(cmd: string | string[], options: ExecOptions = {}): ExecProcess {
    return new ExecProcess(this.#transport, this.id, typeof cmd === 'string' ? ['sh', '-c', cmd] : cmd, options);
  }

  /** `GET /containers/{id}/stats?stream=1`: one sample a second until closed. */
  stats(options: StatsOptions = {}): LazyStream<ContainerStatsResponse> {
    return streamJson(
      this.#transport,
      { method: 'GET', path: enginePath`/containers/${this.id}/stats`, query: { stream: true, 'one-shot': options.oneShot } },
      options,
    );
  }

  /** `GET /containers/{id}/stats?stream=0`: one sample. */
  statsOnce(options: StatsOnceOptions = {}): Promise<ContainerStatsResponse> {
    return callJson(
      this.#transport,
      { method: 'GET', path: enginePath`/containers/${this.id}/stats`, query: { stream: false, 'one-shot': options.oneShot } },
      options,
    );
  }

  /**
   * `PUT /containers/{id}/archive?path=…`: unpacks a tar into the directory `path` (which must
   * exist). A string `source` is a local directory, packed with its contents at the top
   * (symlinks kept as links); anything else is tar bytes or a stream of them.
   *
   * @example
   * ```ts
   * await c.putArchive('/srv/www', './site');                       // ./site/index.html → /srv/www/index.html
   * await c.putArchive('/tmp', tarBytes, { noOverwriteDirNonDir: true });
   * ```
   */
  putArchive(path: string, source: ArchiveSource, options: PutArchiveOptions = {}): Promise<void> {
    return putArchive(this.#transport, this.id, path, source, options);
  }

  /**
   * `GET /containers/{id}/archive?path=…`: the path as a tar stream, lazy like every stream.
   * `stat()` gives the path's stat from the response header; `extractTo(dir)` writes it below
   * `dir` and refuses entries that would escape it.
   *
   * @example
   * ```ts
   * for await (const bytes of c.getArchive('/data')) out.write(bytes);
   * await c.getArchive('/data').extractTo('./out');                 // ./out/data/...
   * ```
   */
  getArchive(path: string, options: StreamOptions = {}): ArchiveStream {
    return getArchive(this.#transport, this.id, path, options);
  }

  /** `HEAD /containers/{id}/archive?path=…`: a path's stat; `NotFoundError` when it (or the container) is missing. */
  statPath(path: string, options: CallOptions = {}): Promise<PathStat> {
    return statPath(this.#transport, this.id, path, options);
  }

  /** `GET /containers/{id}/attach/ws`: the attach as a WebSocket (never multiplexed); see {@link AttachWebSocket}. */
  attachWebSocket(options: AttachWebSocketOptions = {}): Promise<AttachWebSocket> {
    return attachWebSocket(this.#transport, this.id, options);
  }

  /** `POST /commit?container=…`: an image of the container's filesystem and config; resolves with a handle on it. */
  commit(options: CommitOptions = {}): Promise<Image> {
    return commitContainer(this.#transport, this.id, options);
  }

  #stopOrRestart(action: 'stop' | 'restart', options: StopOptions): Promise<void> {
    const signal = options.signal === undefined ? undefined : String(options.signal);
    return callUnit(
      this.#transport,
      {
        method: 'POST',
        path: action === 'stop' ? enginePath`/containers/${this.id}/stop` : enginePath`/containers/${this.id}/restart`,
        query: { t: options.timeout, signal },
        needs: needs(options, { signal: '1.42' }),
        // The engine answers once the container stopped: up to `timeout` seconds, then a kill.
        slow: true,
      },
      { signal: options.abortSignal },
    );
  }
}
