import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TAKE_QUEUED, readStream } from '../src/read-stream.js';

const chunk = (size: number, byte = 1) => new Uint8Array(size).fill(byte);

describe('readStream', () => {
  it('yields chunks in order, then ends', async () => {
    const socket = new PassThrough();
    const reader = readStream(socket);
    socket.write(chunk(3, 1));
    socket.write(chunk(2, 2));
    socket.end();
    const got: number[][] = [];
    for (let r = await reader.next(); !r.done; r = await reader.next()) got.push([...r.value]);
    expect(got.flat()).toEqual([1, 1, 1, 2, 2]);
  });

  it('hands out chunks already received synchronously through TAKE_QUEUED, in order with next()', async () => {
    const socket = new PassThrough();
    const reader = readStream(socket);
    expect(reader[TAKE_QUEUED]()).toBeUndefined();
    socket.write(chunk(1, 1));
    socket.write(chunk(1, 2));
    socket.write(chunk(1, 3));
    await new Promise((r) => setImmediate(r));
    const first = await reader.next();
    expect(first.done ? [] : [...first.value]).toEqual([1]);
    expect([...(reader[TAKE_QUEUED]() ?? [])]).toEqual([2]);
    expect([...(reader[TAKE_QUEUED]() ?? [])]).toEqual([3]);
    expect(reader[TAKE_QUEUED]()).toBeUndefined();
    socket.end();
    expect((await reader.next()).done).toBe(true);
  });

  it('pauses the socket while more than 256 KiB wait unread, and resumes when read', async () => {
    const socket = new PassThrough({ highWaterMark: 1 });
    const reader = readStream(socket);
    for (let i = 0; i < 5; i++) socket.write(chunk(64 * 1024));
    await new Promise((r) => setImmediate(r));
    expect(socket.isPaused()).toBe(true);
    let read = 0;
    while (read < 5 * 64 * 1024) {
      const r = await reader.next();
      if (r.done) break;
      read += r.value.length;
    }
    expect(read).toBe(5 * 64 * 1024);
    expect(socket.isPaused()).toBe(false);
  });

  it('rejects with the socket error, also when it came while no one was reading', async () => {
    const socket = new PassThrough();
    const reader = readStream(socket);
    socket.on('error', () => {});
    socket.destroy(new Error('ECONNRESET-ish'));
    await expect(reader.next()).rejects.toThrow('ECONNRESET-ish');
  });

  it('a close before the end is ERR_STREAM_PREMATURE_CLOSE', async () => {
    const socket = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
    const reader = readStream(socket);
    const pending = reader.next();
    socket.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('return() destroys the socket and stops listening', async () => {
    const socket = new PassThrough();
    const reader = readStream(socket);
    socket.write(chunk(1));
    await reader.return?.();
    expect(socket.destroyed).toBe(true);
    expect(socket.listenerCount('data')).toBe(0);
  });
});

describe('readStream: return() while a next() is pending', () => {
  it('settles the pending next() with done (a quiet followed stream closed from another task)', async () => {
    const socket = new PassThrough();
    const reader = readStream(socket);
    let outcome: IteratorResult<Uint8Array> | 'pending' = 'pending';
    const pending = reader.next().then((r) => (outcome = r));
    await reader.return?.();
    await new Promise((r) => setImmediate(r));
    expect(outcome).toEqual({ done: true, value: undefined });
    await pending;
    expect(socket.destroyed).toBe(true);
  });
});
