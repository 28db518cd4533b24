import type { Transport } from '@dockyard/transport';
import { jsonStream } from '@dockyard/stream';
import type { ArchiveStream } from '../archive/archive-stream.js';
import { getArchive } from '../archive/get-archive.js';
import { type PathStat, statPath } from '../archive/path-stat.js';
import { type ArchiveSource, type PutArchiveOptions, putArchive } from '../archive/put-archive.js';
import { AttachSession } from '../exec/attach-session.js';
import { ExecProcess, type ExecOptions } from '../exec/exec-process.js';
import { type Framing, apiAtLeast, chunksOf, framingFromContentType } from '../framing.js';
import type {
  FilesystemChange,
  ContainerInspectResponse,
  ContainerStatsResponse,
  ContainerTopResponse,
  ContainerUpdateBody,
  ContainerUpdateResponse,
  ContainerWaitResponse,
} from '../generated/engine-api.js';
import { LazyStream, type StreamOptions } from '../lazy-stream.js';
import { type LogSides, LogStream } from '../logs/log-stream.js';
import { encodeTime } from '../time-value.js';
import type {
  AttachOptions,
  CallOptions,
  KillOptions,
  LogsOptions,
  RemoveContainerOptions,
  StatsOptions,
  StopOptions,
  TopOptions,
  TtySize,
  WaitOptions,
} from './options.js';

const seg = encodeURIComponent;

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
  readonly #transport: Transport;
  #tty: Promise<boolean> | undefined;

  /** @internal Use `docker.containers.get(id)`. */
  constructor(transport: Transport, id: string) {
    if (!id) throw new TypeError('A container ID or name is required.');
    this.#transport = transport;
    this.id = id;
  }

  #path(suffix = ''): string {
    return `/containers/${seg(this.id)}${suffix}`;
  }

  /** `GET /containers/{id}/json`: everything the engine knows about the container. */
  async inspect(options: CallOptions & { size?: boolean } = {}): Promise<ContainerInspectResponse> {
    const res = await this.#transport.request({ method: 'GET', path: this.#path('/json'), query: { size: options.size }, signal: options.signal });
    return res.json<ContainerInspectResponse>();
  }

  /** `POST /containers/{id}/start`. Starting a running container resolves (the engine's 304). */
  async start(options: CallOptions & { detachKeys?: string } = {}): Promise<void> {
    await this.#post('/start', { detachKeys: options.detachKeys }, options);
  }

  /** `POST /containers/{id}/stop`: SIGTERM, then SIGKILL after `timeout` seconds. A stopped container resolves. */
  async stop(options: StopOptions = {}): Promise<void> {
    await this.#post('/stop', { t: options.timeout }, options);
  }

  /** `POST /containers/{id}/restart`. */
  async restart(options: StopOptions = {}): Promise<void> {
    await this.#post('/restart', { t: options.timeout }, options);
  }

  /** `POST /containers/{id}/kill`: sends a signal (SIGKILL by default). */
  async kill(options: KillOptions = {}): Promise<void> {
    await this.#post('/kill', { signal: options.signal === undefined ? undefined : String(options.signal) }, {});
  }

  /** `POST /containers/{id}/pause`. */
  async pause(options: CallOptions = {}): Promise<void> {
    await this.#post('/pause', {}, options);
  }

  /** `POST /containers/{id}/unpause`. */
  async unpause(options: CallOptions = {}): Promise<void> {
    await this.#post('/unpause', {}, options);
  }

  /** `POST /containers/{id}/rename`. This handle keeps the ID or name it was made with. */
  async rename(name: string, options: CallOptions = {}): Promise<void> {
    await this.#post('/rename', { name }, options);
  }

  /** `POST /containers/{id}/update`: change resources (memory, CPU, restart policy) of a live container. */
  async update(resources: ContainerUpdateBody, options: CallOptions = {}): Promise<ContainerUpdateResponse> {
    const res = await this.#transport.request({ method: 'POST', path: this.#path('/update'), body: resources, signal: options.signal });
    return res.json<ContainerUpdateResponse>();
  }

  /** `POST /containers/{id}/wait`: resolves when the container reaches `condition` (default `not-running`). */
  async wait(options: WaitOptions = {}): Promise<ContainerWaitResponse> {
    const res = await this.#transport.request({
      method: 'POST',
      path: this.#path('/wait'),
      query: { condition: options.condition },
      signal: options.signal,
      timeout: 0,
    });
    return res.json<ContainerWaitResponse>();
  }

  /** `DELETE /containers/{id}`. */
  async remove(options: RemoveContainerOptions = {}): Promise<void> {
    const res = await this.#transport.request({
      method: 'DELETE',
      path: this.#path(),
      query: { force: options.force, v: options.volumes, link: options.link },
      signal: options.signal,
    });
    await res.dump();
  }

  /** `GET /containers/{id}/top`: the processes running in the container. */
  async top(options: TopOptions = {}): Promise<ContainerTopResponse> {
    const res = await this.#transport.request({ method: 'GET', path: this.#path('/top'), query: { ps_args: options.psArgs }, signal: options.signal });
    return res.json<ContainerTopResponse>();
  }

  /** `GET /containers/{id}/changes`: files added, changed or deleted against the image. */
  async changes(options: CallOptions = {}): Promise<FilesystemChange[]> {
    const res = await this.#transport.request({ method: 'GET', path: this.#path('/changes'), signal: options.signal });
    return (await res.json<FilesystemChange[] | null>()) ?? [];
  }

  /** `GET /containers/{id}/export`: the container's filesystem as tar bytes. */
  export(options: StreamOptions = {}): LazyStream<Uint8Array> {
    return new LazyStream(async (signal) => {
      const res = await this.#transport.request({ method: 'GET', path: this.#path('/export'), signal, timeout: 0 });
      return res.body;
    }, options);
  }

  /** `POST /containers/{id}/resize`: the TTY size of a container started with `Tty: true`. */
  async resize(size: TtySize, options: CallOptions = {}): Promise<void> {
    await this.#post('/resize', { h: size.h, w: size.w }, options);
  }

  /**
   * `GET /containers/{id}/logs`: typed chunks, lines, text, or one stream's bytes. Framing comes
   * from the response's `Content-Type` on API >= 1.42, else from the container's `Config.Tty`.
   */
  logs(options: LogsOptions = {}): LogStream {
    const { follow, since, until, timestamps, tail } = options;
    return new LogStream(async (signal, sides: LogSides) => {
      const known = await this.#framingBelow142(signal);
      const res = await this.#transport.request({
        method: 'GET',
        path: this.#path('/logs'),
        query: {
          follow,
          stdout: sides?.stdout ?? options.stdout ?? true,
          stderr: sides?.stderr ?? options.stderr ?? true,
          since: encodeTime(since),
          until: encodeTime(until),
          timestamps,
          tail: tail === undefined ? undefined : String(tail),
        },
        signal,
        timeout: follow ? 0 : undefined,
      });
      const framing = framingFromContentType(res.headers['content-type'], this.#transport.apiVersion) ?? known ?? (await this.#ttyFraming(signal));
      return { chunks: chunksOf(res.body, framing, timestamps === true) };
    }, options);
  }

  /**
   * `POST /containers/{id}/attach` over a hijacked connection: write to stdin, half-close it
   * with `end()`, and read output until the engine closes.
   */
  async attach(options: AttachOptions = {}): Promise<AttachSession> {
    const known = await this.#framingBelow142(options.signal);
    const conn = await this.#transport.hijack({
      method: 'POST',
      path: this.#path('/attach'),
      query: {
        stream: true,
        logs: options.logs,
        stdin: options.stdin,
        stdout: options.stdout ?? true,
        stderr: options.stderr ?? true,
        detachKeys: options.detachKeys,
      },
      signal: options.signal,
    });
    let framing: Framing;
    try {
      framing = conn.mediaType === 'unknown' ? (known ?? (await this.#ttyFraming(options.signal))) : conn.mediaType;
    } catch (err) {
      conn.close();
      throw err;
    }
    return new AttachSession(conn, framing, (size) => this.resize(size));
  }

  /**
   * Runs a command in the container, like `child_process.spawn`: returns at once; the exec is
   * created and started on the first use.
   */
  exec(cmd: string | string[], options: ExecOptions = {}): ExecProcess {
    return new ExecProcess(this.#transport, this.id, typeof cmd === 'string' ? ['sh', '-c', cmd] : cmd, options);
  }

  /** `GET /containers/{id}/stats?stream=1`: one sample a second until closed. */
  stats(options: StatsOptions = {}): LazyStream<ContainerStatsResponse> {
    return new LazyStream(async (signal) => {
      const res = await this.#transport.request({
        method: 'GET',
        path: this.#path('/stats'),
        query: { stream: true, 'one-shot': options.oneShot },
        signal,
        timeout: 0,
      });
      return jsonStream<ContainerStatsResponse>(res.body);
    }, options);
  }

  /** `GET /containers/{id}/stats?stream=0`: one sample. */
  async statsOnce(options: CallOptions & { oneShot?: boolean } = {}): Promise<ContainerStatsResponse> {
    const res = await this.#transport.request({
      method: 'GET',
      path: this.#path('/stats'),
      query: { stream: false, 'one-shot': options.oneShot },
      signal: options.signal,
    });
    return res.json<ContainerStatsResponse>();
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
  async putArchive(path: string, source: ArchiveSource, options: PutArchiveOptions = {}): Promise<void> {
    await putArchive(this.#transport, this.id, path, source, options);
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
  async statPath(path: string, options: CallOptions = {}): Promise<PathStat> {
    return statPath(this.#transport, this.id, path, options);
  }

  async #post(suffix: string, query: Record<string, string | number | boolean | undefined>, options: CallOptions): Promise<void> {
    // 304 (already started / already stopped) is success for the caller.
    const res = await this.#transport.request({ method: 'POST', path: this.#path(suffix), query, signal: options.signal });
    await res.dump();
  }

  /**
   * Below API 1.42 a response does not say how its output is framed; the container's
   * `Config.Tty` does. Undefined when the response will say.
   */
  async #framingBelow142(signal: AbortSignal | undefined): Promise<Framing | undefined> {
    const version = await this.#transport.negotiate();
    return apiAtLeast(version, '1.42') ? undefined : this.#ttyFraming(signal);
  }

  /** Framing from `Config.Tty`, inspected once per handle. */
  async #ttyFraming(signal: AbortSignal | undefined): Promise<Framing> {
    if (!this.#tty) {
      const tty = this.inspect({ signal }).then((info) => info.Config?.Tty === true);
      this.#tty = tty;
      tty.catch(() => {
        if (this.#tty === tty) this.#tty = undefined;
      });
    }
    return (await this.#tty) ? 'raw' : 'multiplexed';
  }
}
