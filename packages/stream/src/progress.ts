import { StreamError } from './errors.js';
import { jsonStream } from './json.js';
import { PullIterator } from './pull-iterator.js';

/** One message of a pull, push, build, import or load progress stream, as the engine sends it. */
export interface ProgressMessage {
  id?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  /** Build output. */
  stream?: string;
  /** Extra data, e.g. `{ ID: 'sha256:…' }` (the built image) or a push's digest. */
  aux?: unknown;
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

/** Options of {@link progressStream}. */
export interface ProgressStreamOptions {
  /** Called with every message's `aux` value (the message is still handed out). */
  onAux?: (aux: unknown) => void;
}

/**
 * Decodes a progress stream (newline-delimited JSON) and raises its in-band errors: a message
 * with `errorDetail` or `error` throws a {@link StreamError} whose message is
 * `errorDetail.message ?? error` and whose `engineCode` is `errorDetail.code`; every other message is
 * handed out. `onAux` sees each `aux` value, e.g. the id of a built image.
 * `return()` closes the source.
 *
 * @example
 * ```ts
 * let imageId: string | undefined;
 * for await (const m of progressStream(body, { onAux: (aux) => { imageId = (aux as { ID?: string }).ID; } })) {
 *   process.stdout.write(m.stream ?? `${m.status ?? ''}\n`);
 * }
 * ```
 */
export function progressStream<T extends ProgressMessage = ProgressMessage>(
  bytes: AsyncIterable<Uint8Array>,
  options: ProgressStreamOptions = {},
): AsyncIterableIterator<T> {
  return new ProgressDecoder<T>(jsonStream<unknown>(bytes), options.onAux);
}

class ProgressDecoder<T extends ProgressMessage> extends PullIterator<unknown, T> {
  readonly #onAux: ((aux: unknown) => void) | undefined;

  constructor(messages: AsyncIterable<unknown>, onAux: ((aux: unknown) => void) | undefined) {
    super(messages);
    this.#onAux = onAux;
  }

  protected accept(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new StreamError(`progress message is not a JSON object: ${JSON.stringify(value)?.slice(0, 200)}`);
    }
    const message = value as T;
    if (message.errorDetail != null || message.error != null) {
      const detail = message.errorDetail ?? {};
      const text = detail.message || message.error || 'the engine reported an error without a message';
      throw new StreamError(text, detail.code === undefined ? {} : { engineCode: detail.code });
    }
    if (message.aux !== undefined) this.#onAux?.(message.aux);
    this.out.push(message);
  }
}
