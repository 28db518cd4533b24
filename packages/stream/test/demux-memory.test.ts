import { describe, expect, it } from 'vitest';
import { demuxFrames, StreamError } from '../src/index.js';

const MiB = 1024 * 1024;
const FED = 512 * MiB;
const CHUNK = 64 * 1024;

/**
 * A header claiming 4 GB, then `FED` bytes of that frame in fresh 64 KiB chunks (as a socket
 * hands them out), then the end. Records the largest growth of memory held in ArrayBuffers
 * and of the RSS while the chunks pass through.
 */
async function* hugeFrame(peak: { arrayBuffers: number; rss: number }): AsyncGenerator<Uint8Array> {
  const header = new Uint8Array([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const before = process.memoryUsage();
  yield header;
  for (let sent = 0; sent < FED; sent += CHUNK) {
    yield new Uint8Array(CHUNK).fill(0x61);
    if ((sent / CHUNK) % 256 === 0) {
      const now = process.memoryUsage();
      peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers - before.arrayBuffers);
      peak.rss = Math.max(peak.rss, now.rss - before.rss);
    }
  }
}

describe('demuxFrames memory', () => {
  it.each([false, true])('streams 512 MiB of a frame whose header claims 4 GB with flat memory (timestamps: %s; a memory bound, not a time)', async (timestamps) => {
    const peak = { arrayBuffers: 0, rss: 0 };
    let bytes = 0;
    let pieces = 0;
    const error = await (async () => {
      for await (const { stream, data } of demuxFrames(hugeFrame(peak), { timestamps })) {
        expect(stream).toBe('stdout');
        bytes += data.length;
        pieces++;
      }
    })().catch((e: unknown) => e);
    // Every byte that arrived came out, one piece per chunk, then the frame was found cut short.
    expect(bytes).toBe(FED);
    expect(pieces).toBe(FED / CHUNK);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as Error).message).toMatch(/truncated frame: .* 536870912 of 4294967295 payload bytes/);
    // Buffering the frame would hold 512 MiB; the collector's slack stays far below that.
    expect(peak.arrayBuffers).toBeLessThan(96 * MiB);
    expect(peak.rss).toBeLessThan(128 * MiB);
  }, 60_000);
});
