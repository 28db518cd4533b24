import type { TransportResponse } from '@dockyard/transport';
import type { StreamOptions } from '../call-options.js';
import { LazyStream } from '../lazy-stream.js';
import { extractTar } from './extract-to.js';
import { PATH_STAT_HEADER, type PathStat, decodePathStat } from './path-stat.js';

/** Sends the archive request; called once, by the first read or the first `stat()`. */
export type OpenArchive = (signal: AbortSignal) => Promise<TransportResponse>;

/**
 * The tar bytes of a path in a container, from `container.getArchive(path)`. Like every
 * dockyard stream it is lazy (the request starts on the first read or `stat()`), read once,
 * and closed by `break`, its `signal` or `await using`.
 *
 * @example
 * ```ts
 * for await (const bytes of c.getArchive('/data')) out.write(bytes);   // the raw tar
 * await c.getArchive('/data').extractTo('./out');                      // ./out/data/...
 * const { size, mode } = await c.getArchive('/data/file.txt').stat();
 * ```
 */
export class ArchiveStream extends LazyStream<Uint8Array> {
  readonly #send: OpenArchive;
  #response: Promise<TransportResponse> | undefined;

  constructor(send: OpenArchive, options: StreamOptions = {}) {
    const holder: { stream?: ArchiveStream } = {};
    super(async (signal) => (await (holder.stream as ArchiveStream).#respond(signal)).body, options);
    holder.stream = this;
    this.#send = send;
  }

  /**
   * The archived path's stat, from the response's `X-Docker-Container-Path-Stat` header.
   * Starts the request if no read did, but reads none of the body: iterate or extract the
   * stream afterwards, or `close()` it to release the connection.
   */
  async stat(): Promise<PathStat> {
    const res = await this.#respond(this.signal);
    return decodePathStat(res.headers[PATH_STAT_HEADER]);
  }

  /**
   * Reads the whole archive and writes it below `dir` (created if missing): files,
   * directories, symlinks (kept as links), hard links and permission bits. The archive holds
   * the path's base name, so `getArchive('/data').extractTo('./out')` writes `./out/data`.
   *
   * Refuses, with an `ArchiveEntryError` naming the entry, anything that would land outside
   * `dir`: absolute names, `..`, symlinks with absolute targets or targets that resolve
   * outside, hard links to outside paths, and writes through links that lead out. An error
   * closes the connection.
   */
  extractTo(dir: string): Promise<void> {
    return extractTar(this, dir);
  }

  #respond(signal: AbortSignal): Promise<TransportResponse> {
    this.#response ??= this.#send(signal);
    return this.#response;
  }
}
