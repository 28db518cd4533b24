import { StreamError } from 'dockyard';
import { EventTime } from './event-time.js';
import { PART_SIZE } from './line-merger.js';
import type { LogCutter, OnMessage } from './log-frames.js';

const NEWLINE = 0x0a;
const SPACE = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const T = 0x54;
/** `YYYY-MM-DDTHH:MM:SS`: the fixed part every stamp starts with (the `T` is at 10). */
const WHOLE_SECONDS = 19;
/** The longest stamp with its space: `…:SS.nnnnnnnnn+hh:mm ` (the engine's own is 31 with `Z`). */
const STAMP_MAX = 36;

/**
 * A TTY container's followed log (`timestamps=1`), cut into the engine's log messages: the
 * engine writes each as `<RFC 3339 nano> <bytes>` with no frame around it, so the message
 * boundaries are inferred from what 20.10 writes:
 *
 * - a message ends with its `\n` (a line; the TTY's `\r` before it stays, as the engine and its
 *   `fluentd` driver keep it);
 * - or after 16 KiB (a part of a longer line; the next part repeats the line's time);
 * - or where the next message's stamp begins without a `\n` before it: the last part of a long
 *   line from the `local` driver (and the dual-logging cache), an empty one included, and the
 *   unterminated output a container left when it stopped. A stamp inside a message is taken as
 *   the next message only when its time is not before the message's own: a time a program
 *   printed is earlier than the engine's time of that line, which the engine takes after
 *   reading it.
 *
 * A log whose first bytes are not a stamp (an engine that does not stamp TTY logs) is passed on
 * raw, each read one message without a time. Bytes after a part that are not a stamp throw a
 * `StreamError`, as does a log that ends inside a stamp.
 */
export class TtyMessages implements LogCutter {
  /** Bytes not yet cut: a stamp's beginning, or what might begin one. */
  #carry: Buffer | undefined;
  /** The time of the message being read, or undefined between messages. */
  #time: string | undefined;
  #timeNs = 0n;
  /** The message's bytes so far (what came before the last read). */
  #content: Buffer[] = [];
  #contentBytes = 0;
  #started = false;
  #raw = false;

  /** Cuts one read into messages, calling `onMessage` for each complete one. */
  push(bytes: Uint8Array, onMessage: OnMessage): void {
    if (this.#raw) {
      if (bytes.byteLength > 0) onMessage('stdout', undefined, bytes, 0, bytes.byteLength);
      return;
    }
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const data = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = undefined;
    this.#cut(data, onMessage, false);
  }

  /** The log ended: its unterminated last message, if any, is passed on; throws if it ended inside a stamp. */
  end(onMessage: OnMessage): void {
    const carry = this.#carry;
    this.#carry = undefined;
    if (this.#raw) return;
    if (carry) this.#cut(carry, onMessage, true);
    if (this.#time !== undefined) this.#finish(Buffer.alloc(0), onMessage);
  }

  /** Cuts `data` into messages; `final`: no more bytes follow. */
  #cut(data: Buffer, onMessage: OnMessage, final: boolean): void {
    let pos = 0;
    while (pos < data.byteLength) {
      if (this.#time === undefined) {
        const end = stampEnd(data, pos);
        if (end === -1 && !final) {
          // Too few bytes to tell yet (and still possibly a stamp).
          this.#carry = Buffer.from(data.subarray(pos));
          return;
        }
        const ns = end >= 0 ? stampTime(data, pos, end) : undefined;
        if (ns === undefined) {
          if (this.#started) throw notStamp(data, pos, final);
          // No stamps at all: the old raw way, each read one message.
          this.#raw = true;
          onMessage('stdout', undefined, data, pos, data.byteLength);
          return;
        }
        this.#started = true;
        this.#time = data.toString('latin1', pos, end - 1);
        this.#timeNs = ns;
        pos = end;
        continue;
      }
      const room = PART_SIZE - this.#contentBytes;
      // A `\n` right after a whole part still ends that message (tolerated; 20.10 sends it as its own).
      let newline = data.indexOf(NEWLINE, pos);
      if (newline > pos + room) newline = -1;
      const limit = newline >= 0 ? newline : Math.min(pos + room, data.byteLength);
      // A stamp starting before `limit` is seen whole if a `\n` follows it, enough bytes do, or none will.
      const whole = newline >= 0 || final || data.byteLength >= limit + STAMP_MAX;
      const visible = whole ? limit : data.byteLength - STAMP_MAX;
      const next = this.#nextStamp(data, pos, visible);
      if (next >= 0) {
        this.#finish(data.subarray(pos, next), onMessage);
        pos = next;
      } else if (newline >= 0) {
        this.#finish(data.subarray(pos, newline + 1), onMessage);
        pos = newline + 1;
      } else if (whole && (limit === pos + room || final)) {
        this.#finish(data.subarray(pos, limit), onMessage);
        pos = limit;
      } else {
        // The read ended inside the message: keep what cannot begin a stamp, carry the rest.
        const keep = Math.max(pos, visible);
        if (keep > pos) {
          // A copy: a view would keep the whole read alive while the message waits for its end.
          this.#content.push(Buffer.from(data.subarray(pos, keep)));
          this.#contentBytes += keep - pos;
        }
        if (keep < data.byteLength) this.#carry = Buffer.from(data.subarray(keep));
        return;
      }
    }
  }

  #finish(last: Buffer, onMessage: OnMessage): void {
    const data = this.#content.length === 0 ? last : Buffer.concat([...this.#content, last]);
    const time = this.#time;
    this.#time = undefined;
    this.#content = [];
    this.#contentBytes = 0;
    onMessage('stdout', time, data, 0, data.byteLength);
  }

  /** Where the next message's stamp starts in `[from, before)`, or -1: a stamp not earlier than this message's time. */
  #nextStamp(data: Buffer, from: number, before: number): number {
    if (before <= from) return -1;
    // Only the stamp's `T` is searched for, and only where a stamp starting before `before` has it.
    const region = data.subarray(0, Math.min(data.byteLength, before + 10));
    for (let t = region.indexOf(T, from + 10); t >= 0; t = region.indexOf(T, t + 1)) {
      const start = t - 10;
      const end = stampEnd(data, start);
      const ns = end >= 0 ? stampTime(data, start, end) : undefined;
      if (ns !== undefined && ns >= this.#timeNs) return start;
    }
    return -1;
  }
}

/**
 * Where the stamp starting at `pos` ends (after its space): -1 when the bytes end before that
 * can be told, -2 when it is not a stamp (`YYYY-MM-DDTHH:MM:SS[.n{1,9}](Z|±hh:mm) `).
 */
function stampEnd(data: Buffer, pos: number): number {
  const n = data.byteLength - pos;
  for (let i = 0; i < WHOLE_SECONDS; i++) {
    if (i >= n) return -1;
    const c = data[pos + i] as number;
    const ok = i === 4 || i === 7 ? c === 0x2d : i === 10 ? c === T : i === 13 || i === 16 ? c === 0x3a : isDigit(c);
    if (!ok) return -2;
  }
  let i = WHOLE_SECONDS;
  if (i >= n) return -1;
  if (data[pos + i] === 0x2e) {
    i++;
    const first = i;
    while (i < n && i - first < 9 && isDigit(data[pos + i] as number)) i++;
    if (i >= n) return -1;
    if (i === first) return -2;
  }
  const zone = data[pos + i] as number;
  if (zone === 0x5a) i++;
  else if (zone === 0x2b || zone === 0x2d) {
    // ±hh:mm
    for (let k = 1; k <= 5; k++) {
      if (i + k >= n) return -1;
      const c = data[pos + i + k] as number;
      if (k === 3 ? c !== 0x3a : !isDigit(c)) return -2;
    }
    i += 6;
  } else return -2;
  if (i >= n) return -1;
  return data[pos + i] === SPACE ? pos + i + 1 : -2;
}

/** The stamp's time in nanoseconds, or undefined when it is no real time (a 13th month). */
function stampTime(data: Buffer, pos: number, end: number): bigint | undefined {
  try {
    return EventTime.fromRfc3339(data.toString('latin1', pos, end - 1)).toBigInt();
  } catch {
    return undefined;
  }
}

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

function notStamp(data: Buffer, pos: number, final: boolean): StreamError {
  const got = JSON.stringify(data.toString('latin1', pos, pos + STAMP_MAX));
  return new StreamError(final ? `truncated TTY log: it ended inside a timestamp (${got})` : `TTY log: expected a timestamp, got ${got}`);
}
