// The logs the replay engine serves and the fluent-logger client sends: per container,
// `lines` log lines of ~100 bytes as the engine frames them with `timestamps=1` (an 8-byte
// multiplexed header, then `<RFC 3339 nano> <text>\n`), 9 in 10 on stdout.

const TEXT = 'level=info msg="request served" method=GET path=/api/v1/items status=200 duration_ms=';
const BASE_SECONDS = 1_700_000_000;

/** The n-th line's time: 37 µs apart, nanosecond digits included. */
export function timeOf(n) {
  const ns = BigInt(n) * 37_123n;
  const seconds = BASE_SECONDS + Number(ns / 1_000_000_000n);
  const nanos = Number(ns % 1_000_000_000n);
  return { seconds, nanos, rfc3339: `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z` };
}

export function textOf(container, n) {
  return `${TEXT}${(n * 7919) % 1000} container=${container} seq=${n}`;
}

/** One container's framed log. */
export function framedLog(container, lines) {
  const parts = [];
  for (let n = 0; n < lines; n++) {
    const payload = Buffer.from(`${timeOf(n).rfc3339} ${textOf(container, n)}\n`);
    const header = Buffer.alloc(8);
    header[0] = n % 10 === 9 ? 2 : 1;
    header.writeUInt32BE(payload.length, 4);
    parts.push(header, payload);
  }
  return Buffer.concat(parts);
}
