import { MalformedResponseError, ResponseHeadTooLargeError } from './protocol-errors.js';

/** The status line and headers of one HTTP/1.x response. */
export interface ResponseHead {
  statusCode: number;
  statusMessage: string;
  /** `1.1` or `1.0`. */
  httpVersion: string;
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
}

/** A complete head and the bytes that followed it in the same chunks (the body's start). */
export interface ParsedHead {
  head: ResponseHead;
  rest: Uint8Array;
}

/** The bound on a response header block unless told otherwise: 64 KiB. */
export const DEFAULT_MAX_HEAD_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([^\r\n]*))?$/;
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/;

/**
 * An incremental HTTP/1.x response-head parser: {@link push} chunks as they arrive (split
 * anywhere, even inside `\r\n`) until it returns the head and the bytes after it. Bounded:
 * a header block longer than `maxHeadBytes` throws {@link ResponseHeadTooLargeError}; a
 * garbage status or header line throws {@link MalformedResponseError}. Accepts bare `\n`
 * line ends as RFC 9112 allows.
 *
 * @example
 * ```ts
 * const parser = new ResponseHeadParser();
 * parser.push(Buffer.from('HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n')); // undefined: not complete
 * const { head, rest } = parser.push(Buffer.from('\r\nhello'))!;        // rest is 'hello'
 * ```
 */
export class ResponseHeadParser {
  #buffer: Buffer = Buffer.alloc(0);
  #done = false;
  readonly #maxHeadBytes: number;

  constructor(maxHeadBytes: number = DEFAULT_MAX_HEAD_BYTES) {
    this.#maxHeadBytes = maxHeadBytes;
  }

  /** Bytes received so far without a complete head. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /** Feeds one chunk; returns the parsed head once the blank line after it has arrived. */
  push(chunk: Uint8Array): ParsedHead | undefined {
    if (this.#done) throw new Error('ResponseHeadParser: the head was already parsed');
    const previous = this.#buffer.length;
    this.#buffer = previous === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.#buffer, chunk]);
    // A line end may straddle the chunk boundary: look again at the last two old bytes.
    const end = findHeadEnd(this.#buffer, Math.max(0, previous - 2));
    if (end < 0) {
      if (this.#buffer.length > this.#maxHeadBytes) throw new ResponseHeadTooLargeError(this.#maxHeadBytes);
      // Keep our own copy: the caller's chunk may be reused.
      if (previous === 0) this.#buffer = Buffer.from(this.#buffer);
      return undefined;
    }
    if (end > this.#maxHeadBytes) throw new ResponseHeadTooLargeError(this.#maxHeadBytes);
    this.#done = true;
    const head = parseHead(this.#buffer.toString('latin1', 0, end));
    const rest = this.#buffer.subarray(end);
    this.#buffer = Buffer.alloc(0);
    return { head, rest };
  }
}

// Index just past the blank line that ends the head, or -1.
function findHeadEnd(buf: Buffer, from: number): number {
  let i = buf.indexOf(LF, from);
  while (i >= 0) {
    const next = buf[i + 1];
    if (next === LF) return i + 2;
    if (next === CR && buf[i + 2] === LF) return i + 3;
    if (next === undefined || (next === CR && i + 2 >= buf.length)) return -1;
    i = buf.indexOf(LF, i + 1);
  }
  return -1;
}

function parseHead(text: string): ResponseHead {
  const lines = text.split(/\r?\n/);
  // The head ends with an empty line (two empty strings after split).
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const statusLine = lines[0] ?? '';
  const status = STATUS_LINE.exec(statusLine);
  if (!status) throw new MalformedResponseError(`The engine sent a malformed HTTP status line: ${quote(statusLine)}`);
  // No prototype: a header named `constructor` or `__proto__` is just a header.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const header = HEADER_LINE.exec(line);
    if (!header) throw new MalformedResponseError(`The engine sent a malformed HTTP header line: ${quote(line)}`);
    const name = (header[1] as string).toLowerCase();
    const value = header[2] as string;
    const existing = headers[name];
    headers[name] = existing === undefined ? value : `${existing}, ${value}`;
  }
  return {
    statusCode: Number(status[2]),
    statusMessage: status[3] ?? '',
    httpVersion: `1.${status[1]}`,
    headers,
  };
}

function quote(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}

/**
 * The connection failed or ended before a whole response head arrived (internal): `answered`
 * says whether any byte of an answer had come; `cause` is the socket's error, if it failed.
 */
export class ResponseHeadMissing extends Error {
  readonly answered: boolean;
  constructor(answered: boolean, cause?: unknown) {
    super(answered ? 'The engine closed the connection in the middle of the response headers.' : 'The engine closed the connection without answering.', { cause });
    this.answered = answered;
  }
}

/**
 * Reads one response head off `reader`, skipping interim `1xx` answers (`100 Continue`; never
 * `101`, the hijack's answer). Throws {@link ResponseHeadMissing} when the connection fails or
 * ends first, and the parser's errors for a malformed or oversized head.
 */
export async function readResponseHead(reader: AsyncIterator<Uint8Array>, maxHeadBytes: number = DEFAULT_MAX_HEAD_BYTES): Promise<ParsedHead> {
  let parser = new ResponseHeadParser(maxHeadBytes);
  let answered = false;
  let pending: Uint8Array | undefined;
  for (;;) {
    let chunk = pending;
    pending = undefined;
    if (chunk === undefined) {
      let step: IteratorResult<Uint8Array>;
      try {
        step = await reader.next();
      } catch (err) {
        throw new ResponseHeadMissing(answered || parser.buffered > 0, err);
      }
      if (step.done) throw new ResponseHeadMissing(answered || parser.buffered > 0);
      chunk = step.value;
      answered = true;
    }
    const result = parser.push(chunk);
    if (result === undefined) continue;
    const status = result.head.statusCode;
    if (status >= 200 || status === 101) return result;
    parser = new ResponseHeadParser(maxHeadBytes);
    if (result.rest.length > 0) pending = result.rest;
  }
}
