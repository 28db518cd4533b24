import { Decoder, Encoder, ExtensionCodec } from '@msgpack/msgpack';
import { ForwardDecodeError } from './errors.js';
import { EventTime } from './event-time.js';

/** Fluent Forward's EventTime extension type. */
const EVENT_TIME_EXT = 0;

const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: EVENT_TIME_EXT,
  encode(value: unknown): Uint8Array | null {
    if (!(value instanceof EventTime)) return null;
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, value.seconds);
    view.setUint32(4, value.nanoseconds);
    return bytes;
  },
  decode(data: Uint8Array): EventTime {
    if (data.byteLength !== 8) throw new ForwardDecodeError(`EventTime extension of ${data.byteLength} bytes (expected 8)`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return new EventTime(view.getUint32(0), view.getUint32(4));
  },
});

/** How an entry's time is sent: EventTime (nanoseconds) or integer seconds for old receivers. */
export type EventTimeMode = 'event-time' | 'seconds';

/** Options of a Forward-mode message (`size`, `chunk` for acks, `compressed`). */
export interface ForwardMessageOptions {
  size?: number;
  chunk?: string;
  compressed?: 'gzip';
}

const encoder = new Encoder({ extensionCodec, ignoreUndefined: true });

/** Encodes any value with the Forward extension codec (EventTime as ext 0). */
export function encodeMessage(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/**
 * Encodes one Forward entry `[time, record]`. The view is only valid until the next encode
 * (it shares the encoder's buffer): copy it out before encoding again.
 */
export function encodeEntryShared(time: EventTime, record: Record<string, unknown>, mode: EventTimeMode): Uint8Array {
  return encoder.encodeSharedRef([mode === 'seconds' ? time.seconds : time, record]);
}

/** Encodes one Forward entry `[time, record]` into its own bytes. */
export function encodeEntry(time: EventTime, record: Record<string, unknown>, mode: EventTimeMode = 'event-time'): Uint8Array {
  return encodeEntryShared(time, record, mode).slice();
}

/** A PackedForward message: `[tag, bin(entries), options]`. */
export function encodePackedForward(tag: string, entries: Uint8Array, options: ForwardMessageOptions): Uint8Array {
  return encoder.encode([tag, entries, options]);
}

/**
 * Bytes of a PackedForward message's head, `[tag, bin32` up to the entries: a 3-array marker,
 * the tag as a str, bin32's marker and length. `forward()` keeps this room before a batch's
 * entries and fills it with {@link writePackedForwardHead} when the batch is sealed, so the
 * entries are never copied into a message of their own.
 */
export function packedForwardHeadSize(tag: string): number {
  return 1 + strSize(Buffer.byteLength(tag)) + 5;
}

/** Writes the head of a PackedForward message whose entries are `size` bytes at the start of `buffer` ({@link packedForwardHeadSize} bytes). */
export function writePackedForwardHead(buffer: Buffer, tag: string, size: number): void {
  buffer[0] = 0x93;
  const at = writeStr(buffer, 1, tag);
  buffer[at] = 0xc6;
  buffer.writeUInt32BE(size, at + 1);
}

/** Decodes one complete MessagePack value (EventTime as ext 0); malformed bytes throw {@link ForwardDecodeError}. */
export function decodeMessage(bytes: Uint8Array): unknown {
  try {
    return new Decoder({ extensionCodec }).decode(bytes);
  } catch (err) {
    if (err instanceof ForwardDecodeError) throw err;
    throw new ForwardDecodeError(`invalid MessagePack: ${(err as Error).message}`, { cause: err });
  }
}

/** Decodes the concatenated entries of a PackedForward message into `[time, record]` pairs. */
export function decodeEntries(bytes: Uint8Array): Array<[EventTime | number, Record<string, unknown>]> {
  const reader = new MessageReader();
  const entries = reader.push(bytes);
  reader.end();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[1] !== 'object' || entry[1] === null) {
      throw new ForwardDecodeError('a PackedForward entry is not [time, record]');
    }
  }
  return entries as Array<[EventTime | number, Record<string, unknown>]>;
}

/**
 * Splits a byte stream into whole MessagePack values, whatever the chunking: `push` returns
 * the values completed by a chunk, `end` throws if the stream stopped inside one.
 */
export class MessageReader {
  #buffer: Uint8Array = new Uint8Array(0);
  #consumed = 0;

  /** Adds bytes; returns every value they complete, in order. */
  push(chunk: Uint8Array): unknown[] {
    const rest = this.#buffer.subarray(this.#consumed);
    if (rest.byteLength === 0) this.#buffer = chunk;
    else {
      const joined = new Uint8Array(rest.byteLength + chunk.byteLength);
      joined.set(rest);
      joined.set(chunk, rest.byteLength);
      this.#buffer = joined;
    }
    this.#consumed = 0;
    const values: unknown[] = [];
    for (;;) {
      const end = valueEnd(this.#buffer, this.#consumed);
      if (end < 0) break;
      values.push(decodeMessage(this.#buffer.subarray(this.#consumed, end)));
      this.#consumed = end;
    }
    return values;
  }

  /** Bytes of an incomplete value waiting for more input. */
  get pending(): number {
    return this.#buffer.byteLength - this.#consumed;
  }

  /** The stream ended: throws {@link ForwardDecodeError} if it ended inside a value. */
  end(): void {
    if (this.pending > 0) throw new ForwardDecodeError(`truncated MessagePack: the stream ended ${this.pending} bytes into a value`);
  }
}

/** Decodes a byte stream into MessagePack values; malformed or truncated input throws {@link ForwardDecodeError}. */
export async function* decodeStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const reader = new MessageReader();
  for await (const chunk of chunks) yield* reader.push(chunk);
  reader.end();
}

/**
 * The offset just past the MessagePack value starting at `start`, or -1 when `bytes` ends
 * before it does. Only walks headers; the values are decoded by @msgpack/msgpack.
 */
function valueEnd(bytes: Uint8Array, start: number): number {
  let pos = start;
  let remaining = 1; // values still to skip (containers add their items)
  const need = (n: number): boolean => pos + n <= bytes.byteLength;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (remaining > 0) {
    if (!need(1)) return -1;
    const b = bytes[pos] as number;
    remaining--;
    pos++;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) continue;
    if (b >= 0x80 && b <= 0x8f) { remaining += (b & 0x0f) * 2; continue; }
    if (b >= 0x90 && b <= 0x9f) { remaining += b & 0x0f; continue; }
    if (b >= 0xa0 && b <= 0xbf) { pos += b & 0x1f; if (pos > bytes.byteLength) return -1; continue; }
    let size: number;
    switch (b) {
      case 0xc4: case 0xd9: if (!need(1)) return -1; size = 1 + view.getUint8(pos); break; // bin8/str8
      case 0xc5: case 0xda: if (!need(2)) return -1; size = 2 + view.getUint16(pos); break;
      case 0xc6: case 0xdb: if (!need(4)) return -1; size = 4 + view.getUint32(pos); break;
      case 0xc7: if (!need(1)) return -1; size = 2 + view.getUint8(pos); break; // ext8: len, type, data
      case 0xc8: if (!need(2)) return -1; size = 3 + view.getUint16(pos); break;
      case 0xc9: if (!need(4)) return -1; size = 5 + view.getUint32(pos); break;
      case 0xcc: case 0xd0: size = 1; break;
      case 0xcd: case 0xd1: size = 2; break;
      case 0xca: case 0xce: case 0xd2: size = 4; break;
      case 0xcb: case 0xcf: case 0xd3: size = 8; break;
      case 0xd4: size = 2; break; // fixext1: type + 1
      case 0xd5: size = 3; break;
      case 0xd6: size = 5; break;
      case 0xd7: size = 9; break;
      case 0xd8: size = 17; break;
      case 0xdc: if (!need(2)) return -1; remaining += view.getUint16(pos); size = 2; break;
      case 0xdd: if (!need(4)) return -1; remaining += view.getUint32(pos); size = 4; break;
      case 0xde: if (!need(2)) return -1; remaining += view.getUint16(pos) * 2; size = 2; break;
      case 0xdf: if (!need(4)) return -1; remaining += view.getUint32(pos) * 2; size = 4; break;
      default:
        throw new ForwardDecodeError(`invalid MessagePack: byte 0x${b.toString(16)} at offset ${pos - 1} is not a type`);
    }
    pos += size;
    if (pos > bytes.byteLength) return -1;
  }
  return pos;
}

/**
 * Writes the entry `[time, record]` straight into `target` at `offset` when every record
 * value is a string (the hot path: log records), the same bytes @msgpack/msgpack makes.
 * Returns the offset after it, or -1 when `target` is too small (grow and call again), or
 * -2 when the record needs the general encoder.
 */
export function writeStringEntry(target: Buffer, offset: number, time: EventTime, record: Record<string, unknown>, mode: EventTimeMode): number {
  const keys = Object.keys(record);
  const s = time.seconds;
  let size = 1 + (mode === 'seconds' ? (s < 0x80 ? 1 : s < 0x100 ? 2 : s < 0x10000 ? 3 : 5) : 10) + (keys.length < 16 ? 1 : 3);
  for (const key of keys) {
    const value = record[key];
    if (typeof value !== 'string') return -2;
    size += strSize(Buffer.byteLength(key)) + strSize(Buffer.byteLength(value));
  }
  if (offset + size > target.byteLength) return -1;
  const at = writeEntryTime(target, offset, time, mode);
  let end = writeMapHeader(target, at, keys.length);
  for (const key of keys) {
    end = writeStr(target, end, key);
    end = writeStr(target, end, record[key] as string);
  }
  return end;
}

/** Bytes of an entry's start: the array header and the time (see {@link writeEntryTime}). */
export function entryTimeSize(time: EventTime, mode: EventTimeMode): number {
  const s = time.seconds;
  return 1 + (mode === 'seconds' ? (s < 0x80 ? 1 : s < 0x100 ? 2 : s < 0x10000 ? 3 : 5) : 10);
}

/** Writes an entry's start, `[` (two items) and its time, as the general encoder does; returns the offset after it. */
export function writeEntryTime(target: Buffer, offset: number, time: EventTime, mode: EventTimeMode): number {
  let at = offset;
  const s = time.seconds;
  target[at++] = 0x92;
  if (mode === 'seconds') {
    // The smallest uint form, as the general encoder writes it.
    if (s < 0x80) target[at++] = s;
    else if (s < 0x100) {
      target[at++] = 0xcc;
      target[at++] = s;
    } else if (s < 0x10000) {
      target[at++] = 0xcd;
      target.writeUInt16BE(s, at);
      at += 2;
    } else {
      target[at++] = 0xce;
      target.writeUInt32BE(s, at);
      at += 4;
    }
  } else {
    target[at++] = 0xd7;
    target[at++] = 0x00;
    target.writeUInt32BE(time.seconds, at);
    target.writeUInt32BE(time.nanoseconds, at + 4);
    at += 8;
  }
  return at;
}

function writeMapHeader(target: Buffer, at: number, count: number): number {
  if (count < 16) target[at++] = 0x80 | count;
  else {
    target[at++] = 0xde;
    target.writeUInt16BE(count, at);
    at += 2;
  }
  return at;
}

/**
 * A string-valued record whose fields are all fixed but one, pre-encoded: `head` is the map
 * header, the fields before the varying one and its key; `tail` the fields after it. `head`,
 * the value as a MessagePack str, then `tail` are the bytes {@link writeStringEntry} makes for
 * the whole record.
 */
export interface RecordTemplate {
  head: Buffer;
  tail: Buffer;
}

/** Pre-encodes the fixed parts of records `{ ...before, [key]: <varying>, ...after }`. */
export function recordTemplate(before: Record<string, string>, key: string, after: Record<string, string>): RecordTemplate {
  const count = Object.keys(before).length + 1 + Object.keys(after).length;
  const strings = (fields: Record<string, string>): number => Object.entries(fields).reduce((n, [k, v]) => n + strSize(Buffer.byteLength(k)) + strSize(Buffer.byteLength(v)), 0);
  const head = Buffer.alloc(3 + strings(before) + strSize(Buffer.byteLength(key)));
  let at = writeMapHeader(head, 0, count);
  for (const [k, v] of Object.entries(before)) at = writeStr(head, writeStr(head, at, k), v);
  at = writeStr(head, at, key);
  const tail = Buffer.alloc(strings(after));
  let end = 0;
  for (const [k, v] of Object.entries(after)) end = writeStr(tail, writeStr(tail, end, k), v);
  return { head: head.subarray(0, at), tail };
}

/** Bytes of the varying string written by {@link writeTemplateValue}. */
export function templateValueSize(bytes: number): number {
  return strSize(bytes);
}

/** Writes the varying string (its UTF-8 length `bytes` known); returns the offset after it. */
export function writeTemplateValue(target: Buffer, at: number, text: string | Uint8Array, bytes: number): number {
  if (typeof text === 'string') return writeStrKnown(target, at, text, bytes);
  at = writeStrHeader(target, at, bytes);
  target.set(text, at);
  return at + bytes;
}

function strSize(bytes: number): number {
  return bytes + (bytes < 32 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5);
}

function writeStr(target: Buffer, at: number, text: string): number {
  return writeStrKnown(target, at, text, Buffer.byteLength(text));
}

function writeStrKnown(target: Buffer, at: number, text: string, bytes: number): number {
  at = writeStrHeader(target, at, bytes);
  return at + target.write(text, at, bytes, 'utf8');
}

function writeStrHeader(target: Buffer, at: number, bytes: number): number {
  if (bytes < 32) target[at++] = 0xa0 | bytes;
  else if (bytes < 0x100) {
    target[at++] = 0xd9;
    target[at++] = bytes;
  } else if (bytes < 0x10000) {
    target[at++] = 0xda;
    target.writeUInt16BE(bytes, at);
    at += 2;
  } else {
    target[at++] = 0xdb;
    target.writeUInt32BE(bytes, at);
    at += 4;
  }
  return at;
}
