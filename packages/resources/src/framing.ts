import { type Chunk, demuxFrames, rawChunks } from '@dockyard/stream';
import { type Transport, mediaTypeOf } from '@dockyard/transport';
import { apiAtLeast } from './operation/version-gate.js';

/** How an output stream is framed: 8-byte-header frames, or raw TTY bytes. */
export type Framing = 'multiplexed' | 'raw';

/**
 * The framing rule, in one place: a response's `Content-Type` says how its output is framed
 * from API 1.42 on (transport's `mediaTypeOf` reads it, for hijacked and plain responses
 * alike); below 1.42 the engine says raw for both, so the TTY setting of what produced the
 * output decides (`Config.Tty` of a container, `Spec.TaskTemplate.ContainerSpec.TTY` of a
 * service). The TTY setting is looked up only when needed, and once. Podman's `Content-Type`
 * never decides: it serves any API version asked for and labels multiplexed output raw.
 *
 * @example
 * ```ts
 * const framing = new FramingRule(transport, (signal) => container.inspect({ signal }).then((i) => i.Config?.Tty === true));
 * const res = await openStream(...);
 * const chunks = chunksOf(res.body, await framing.of(res.headers['content-type'], signal));
 * ```
 */
export class FramingRule {
  readonly #transport: Transport;
  readonly #readTty: (signal: AbortSignal | undefined) => Promise<boolean>;
  #tty: Promise<boolean> | undefined;

  /** `readTty` says whether the output's producer has a TTY (one engine call, made lazily). */
  constructor(transport: Transport, readTty: (signal: AbortSignal | undefined) => Promise<boolean>) {
    this.#transport = transport;
    this.#readTty = readTty;
  }

  /**
   * The framing known before the request is sent: below API 1.42 (negotiating if needed) the
   * TTY setting, looked up now so a failed lookup fails before any output is consumed;
   * undefined on newer engines, whose response will say.
   */
  async beforeRequest(signal: AbortSignal | undefined): Promise<Framing | undefined> {
    const version = this.#transport.apiVersion ?? (await this.#transport.negotiate({ signal }));
    return apiAtLeast(version, '1.42') ? undefined : this.fromTty(signal);
  }

  /** The framing of a response with this `Content-Type` (or a hijack's `mediaType`). */
  async of(contentType: string | string[] | undefined, signal: AbortSignal | undefined): Promise<Framing> {
    const type = Array.isArray(contentType) ? contentType[0] : contentType;
    const stated = mediaTypeOf(type, this.#transport.apiVersion);
    return stated === 'unknown' || (await this.#podman(signal)) ? this.fromTty(signal) : stated;
  }

  /** The framing a hijacked connection's `mediaType` states, else the TTY setting's. */
  async ofHijack(mediaType: 'raw' | 'multiplexed' | 'unknown', signal: AbortSignal | undefined): Promise<Framing> {
    return mediaType === 'unknown' || (await this.#podman(signal)) ? this.fromTty(signal) : mediaType;
  }

  // Known after negotiation; a pinned version pings once, for the whole transport.
  async #podman(signal: AbortSignal | undefined): Promise<boolean> {
    return (await this.#transport.detectEngine({ signal })) === 'podman';
  }

  /** Records a TTY setting already read (e.g. by an inspect made for another reason), saving the lookup. */
  remember(tty: boolean): void {
    this.#tty ??= Promise.resolve(tty);
  }

  /** The TTY setting's framing (`raw` with a TTY), looked up once; a failed lookup is retried next time. */
  async fromTty(signal: AbortSignal | undefined): Promise<Framing> {
    if (!this.#tty) {
      const tty = this.#readTty(signal);
      this.#tty = tty;
      tty.catch(() => {
        if (this.#tty === tty) this.#tty = undefined;
      });
    }
    return (await this.#tty) ? 'raw' : 'multiplexed';
  }
}

/**
 * Typed chunks out of an output byte stream of the given framing. `timestamped`: the engine
 * wrote a timestamp before every log message (`timestamps=1`); framed, it is split off into
 * `Chunk.timestamp`; raw (TTY), the stream has no message boundaries and it stays in the bytes.
 */
export function chunksOf(bytes: AsyncIterable<Uint8Array>, framing: Framing, timestamped = false): AsyncIterableIterator<Chunk> {
  return framing === 'multiplexed' ? demuxFrames(bytes, { timestamps: timestamped }) : rawChunks(bytes);
}
