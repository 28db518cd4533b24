// The multiplexed streams the benchmark replays, built the way the engine frames them (a
// fixed-seed generator, so the server process and the runner make the same bytes):
// - large: attach/exec-style output, one frame per read of the container's pipe, 8–32 KiB;
// - log-like: `docker logs`-style, one frame per log line of ~80 bytes.
// Both mix stdout (9 in 10 frames) and stderr.

/** Small fixed-seed PRNG (mulberry32): same bytes in every process and run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXT = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 level=info msg="request served" ';

/** Frames filling about `total` bytes, with payload sizes from `size(next)`. */
function build(total, seed, size) {
  const next = random(seed);
  const parts = [];
  let bytes = 0;
  const payload = { stdout: 0, stderr: 0 };
  while (bytes < total) {
    const n = size(next);
    const stream = next() < 0.9 ? 1 : 2;
    const frame = Buffer.allocUnsafe(8 + n);
    frame.writeUInt32BE(0, 0);
    frame[0] = stream;
    frame.writeUInt32BE(n, 4);
    const start = Math.floor(next() * (TEXT.length - 1));
    for (let i = 0; i < n; i++) frame[8 + i] = TEXT.charCodeAt((start + i) % TEXT.length);
    if (n > 0) frame[8 + n - 1] = 0x0a;
    parts.push(frame);
    bytes += frame.length;
    payload[stream === 1 ? 'stdout' : 'stderr'] += n;
  }
  return { data: Buffer.concat(parts), frames: parts.length, payload };
}

export const CASES = {
  large: {
    title: 'large frames (8–32 KiB)',
    build: () => build(32 * 1024 * 1024, 1, (next) => 8192 + Math.floor(next() * (32768 - 8192 + 1))),
    repeats: 16,
  },
  'log-like': {
    title: 'log-like (one ~80-byte line per frame)',
    build: () => build(8 * 1024 * 1024, 2, (next) => 40 + Math.floor(next() * 81)),
    repeats: 2,
  },
};
