import { StreamError } from './errors.js';
import { PullIterator } from './pull-iterator.js';

const RECORD_SEPARATOR = '\x1e';
/** How much of an invalid document an error message quotes. */
const EXCERPT_LENGTH = 200;

/**
 * Decodes a stream of JSON documents: newline-delimited JSON (events, progress, stats) or
 * JSON text sequences (RFC 7464: each document after an RS byte, chosen when the first
 * non-blank byte is RS). Documents may be split across chunks anywhere, blank lines and
 * `\r\n` are tolerated, and a last document without a newline is still read. A document that
 * is not valid JSON throws a {@link StreamError} quoting its start. `return()` closes the source.
 *
 * @example
 * ```ts
 * for await (const event of jsonStream<EventMessage>(body)) console.log(event.Action);
 * ```
 */
export function jsonStream<T = unknown>(bytes: AsyncIterable<Uint8Array>, options: JsonStreamOptions = {}): AsyncIterableIterator<T> {
  return new JsonDecoder<T>(bytes, exactIntegerRewrite(options.exactIntegers));
}

/** Options of {@link jsonStream}. */
export interface JsonStreamOptions {
  /**
   * Object keys whose integer values are decoded as strings of their exact digits, because a
   * JavaScript number keeps only 53 bits (the engine's event `timeNano` 1796163615580003033
   * would become 1796163615580003000). E.g. `['timeNano']`. The digits are quoted in the text
   * before `JSON.parse`, so this costs one regular-expression pass over documents naming such
   * a key; a key whose value is not an integer (a string, a fraction) is left as it is.
   */
  exactIntegers?: readonly string[];
}

// `"key": 123` where the key is a member name (after `{` or `,`: inside a JSON string a quote
// is always escaped, so this cannot match string content) and the value is a whole integer.
function exactIntegerRewrite(keys: readonly string[] | undefined): ((document: string) => string) | undefined {
  if (keys === undefined || keys.length === 0) return undefined;
  const names = keys.map((key) => JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`([{,][ \\t\\r\\n]*(?:${names.join('|')})[ \\t\\r\\n]*:[ \\t\\r\\n]*)(-?\\d+)(?=[ \\t\\r\\n]*[,}])`, 'g');
  const markers = keys.map((key) => JSON.stringify(key));
  return (document) => (markers.some((marker) => document.includes(marker)) ? document.replace(pattern, '$1"$2"') : document);
}

class JsonDecoder<T> extends PullIterator<Uint8Array, T> {
  readonly #decoder = new TextDecoder('utf-8');
  /** Text after the last separator: the start of the next document. */
  #pending = '';
  /** '\n' for NDJSON, RS for JSON-seq; undefined until the first non-blank character. */
  #separator: string | undefined;
  readonly #rewrite: ((document: string) => string) | undefined;

  constructor(source: AsyncIterable<Uint8Array>, rewrite: ((document: string) => string) | undefined) {
    super(source);
    this.#rewrite = rewrite;
  }

  protected accept(bytes: Uint8Array): void {
    this.#feed(this.#decoder.decode(bytes, { stream: true }));
  }

  protected override finish(): void {
    this.#feed(this.#decoder.decode());
    const last = this.#pending;
    this.#pending = '';
    this.#parse(last);
  }

  #feed(text: string): void {
    if (this.#separator === undefined) {
      const start = (this.#pending + text).search(/[^ \t\r\n]/);
      if (start === -1) {
        this.#pending += text;
        return;
      }
      this.#separator = (this.#pending + text)[start] === RECORD_SEPARATOR ? RECORD_SEPARATOR : '\n';
    }
    const separator = this.#separator;
    let from = 0;
    for (;;) {
      const end = text.indexOf(separator, from);
      if (end === -1) break;
      const document = this.#pending + text.slice(from, end);
      this.#pending = '';
      this.#parse(document);
      from = end + 1;
    }
    this.#pending += from === 0 ? text : text.slice(from);
  }

  #parse(document: string): void {
    if (document.length === 0) return;
    let value: T;
    try {
      value = JSON.parse(this.#rewrite === undefined ? document : this.#rewrite(document)) as T;
    } catch (error) {
      if (/^[ \t\r\n]*$/.test(document)) return; // a blank line
      const trimmed = document.trim();
      const excerpt = trimmed.length > EXCERPT_LENGTH ? `${trimmed.slice(0, EXCERPT_LENGTH)}…` : trimmed;
      const reason = error instanceof Error ? error.message : String(error);
      throw new StreamError(`invalid JSON in stream (${reason}): ${excerpt}`, { cause: error });
    }
    this.out.push(value);
  }
}
