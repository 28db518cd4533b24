import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerError, type StreamName } from 'dockyard';
import { Channel } from '../src/channel.js';
import { encodeEntry, entryTimeSize, recordTemplate, writeEntryTime, writeTemplateValue } from '../src/codec.js';
import { EventTime } from '../src/event-time.js';
import { ForwardSender } from '../src/forward.js';
import { LogFrames } from '../src/log-frames.js';
import { cut } from './support/cut.js';

/** One multiplexed frame: the 8-byte header, then the payload. */
function frame(type: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.byteLength, 4);
  return Buffer.concat([header, payload]);
}

type Message = [StreamName, string | undefined, string];
const stamp = fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '123456Z'));
const message = fc.tuple(fc.constantFrom(1, 2), fc.option(stamp, { nil: undefined }), fc.uint8Array({ minLength: 1, maxLength: 3000 }));

describe('LogFrames (ship reads the log bytes itself)', () => {
  it('any chunking of framed output gives the same messages, each whole, its timestamp split off', () => {
    fc.assert(fc.property(fc.array(message, { maxLength: 20 }), fc.array(fc.nat()), (messages, cuts) => {
      // A payload that starts with a space would be taken for an empty prefix: not what the engine writes.
      const input = messages.map(([type, time, data]) => [type, time, time === undefined ? Buffer.from(data).toString('latin1').replaceAll(' ', '_') : Buffer.from(data).toString('latin1')] as const);
      const bytes = Buffer.concat(input.map(([type, time, text]) => frame(type, Buffer.from(time === undefined ? text : `${time} ${text}`, 'latin1'))));
      const frames = new LogFrames();
      const got: Message[] = [];
      for (const part of cut(bytes, cuts)) frames.push(part, (stream, time, bytes, start, end) => got.push([stream, time, Buffer.from(bytes.subarray(start, end)).toString('latin1')]));
      frames.end();
      expect(got).toEqual(input.map(([type, time, text]) => [type === 2 ? 'stderr' : 'stdout', time, text]));
    }));
  });

  it('a log that ends inside a frame, a system-error frame or a bad stream byte throw a DockerError, never a silent drop', () => {
    const whole = frame(1, Buffer.from('2024-05-01T10:00:00.123456789Z hello\n'));
    for (let n = 1; n < whole.byteLength; n++) {
      const frames = new LogFrames();
      frames.push(whole.subarray(0, n), () => {});
      expect(() => frames.end()).toThrow(DockerError);
    }
    expect(() => new LogFrames().push(frame(3, Buffer.from('boom')), () => {})).toThrow(/boom/);
    expect(() => new LogFrames().push(frame(7, Buffer.from('x')), () => {})).toThrow(DockerError);
  });
});

describe('Channel.take / pushAll', () => {
  it('hands items over in order, at most max per take, and pauses producers past capacity', async () => {
    const channel = new Channel<number>(4);
    expect(channel.pushAll([1, 2, 3])).toBeUndefined();
    const pause = channel.pushAll([4, 5]);
    expect(pause).toBeInstanceOf(Promise);
    expect(await channel.take(2)).toEqual([1, 2]);
    await pause;
    expect(await channel.take(10)).toEqual([3, 4, 5]);
    const waiting = channel.take(10);
    channel.pushAll([6, 7]);
    expect(await waiting).toEqual([6, 7]);
    channel.end();
    expect(await channel.take(10)).toBeUndefined();
  });
});

describe('EventTime.fromRfc3339 fast path', () => {
  it('gives the same time as the full parse, second after second', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4e9 }), fc.integer({ min: 0, max: 999_999_999 })), { minLength: 1, maxLength: 20 }), (times) => {
      for (const [s, n] of times) {
        for (const seconds of [s, s]) {
          const text = `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(n).padStart(9, '0')}Z`;
          const t = EventTime.fromRfc3339(text);
          expect([t.seconds, t.nanoseconds]).toEqual([seconds, n]);
        }
      }
    }));
    expect(() => EventTime.fromRfc3339('1970-01-01T00:00:00.12345678xZ')).toThrow(RangeError);
  });
});

describe('ForwardSender.writeTemplated', () => {
  it('batches the same bytes as write() of the whole record', () => {
    // Integer-like keys come first in a JS object whatever their place: driverTemplates() leaves those to write().
    const field = fc.string({ maxLength: 40 }).filter((k) => !['a', 'b', 'log', '__proto__'].includes(k) && !/^(0|[1-9]\d*)$/.test(k));
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.string(), fc.dictionary(field, fc.string(), { maxKeys: 16 }), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom('event-time' as const, 'seconds' as const), (log, a, extra, s, mode) => {
      const sender = new ForwardSender({ port: 1, eventTime: mode, reconnect: { initialDelayMs: 60_000 } });
      const time = new EventTime(s, 5);
      const template = recordTemplate({ a, b: 'x' }, 'log', extra);
      sender.writeTemplated('t', time, template, log);
      sender.write('t', time, { a, b: 'x', log, ...extra });
      const whole = encodeEntry(time, { a, b: 'x', log, ...extra }, mode);
      expect(sender.stats.pendingBytes).toBe(2 * whole.byteLength);
      sender.destroy();
      // The bytes it writes: time, head, the value, tail.
      const target = Buffer.alloc(whole.byteLength + 16);
      let at = writeEntryTime(target, 0, time, mode);
      expect(at).toBe(entryTimeSize(time, mode));
      target.set(template.head, at);
      at = writeTemplateValue(target, at + template.head.byteLength, log, Buffer.byteLength(log));
      target.set(template.tail, at);
      expect([...target.subarray(0, at + template.tail.byteLength)]).toEqual([...whole]);
      // The line as the engine's bytes: the same bytes again.
      const fromBytes = Buffer.alloc(whole.byteLength + 16);
      let to = writeEntryTime(fromBytes, 0, time, mode);
      fromBytes.set(template.head, to);
      to = writeTemplateValue(fromBytes, to + template.head.byteLength, Buffer.from(log), Buffer.byteLength(log));
      fromBytes.set(template.tail, to);
      expect([...fromBytes.subarray(0, to + template.tail.byteLength)]).toEqual([...whole]);
    }), { numRuns: 50 });
  });
});

describe('Permits (backlogs read a few at a time)', () => {
  it('lets at most count holders in, the next in order on release; an aborted wait ends at once', async () => {
    const { Permits } = await import('../src/permits.js');
    const permits = new Permits(2);
    const signal = new AbortController().signal;
    const a = await permits.acquire(signal);
    await permits.acquire(signal);
    const order: string[] = [];
    const c = permits.acquire(signal).then((release) => (order.push('c'), release));
    const aborter = new AbortController();
    const d = permits.acquire(aborter.signal).then(() => order.push('d'));
    const e = permits.acquire(signal).then(() => order.push('e'));
    aborter.abort();
    await d;
    a();
    a(); // a second release of the same permit frees nothing more
    const releaseC = await c;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['d', 'c']);
    releaseC();
    await e;
    expect(order).toEqual(['d', 'c', 'e']);
  });
});
