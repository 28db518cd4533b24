import type { ResponseHead } from './response-head-parser.js';

/** At most this much of an error body is kept (engine error bodies are a line of JSON). */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/**
 * Reads the body of a non-upgraded response: up to `Content-Length`, through the chunked
 * terminator, or until the engine closes the connection; never more than `limit` bytes.
 * `first` holds the body bytes that came with the head. A broken connection ends the body
 * where it broke: the status already says what went wrong.
 */
export async function readResponseBody(
  head: ResponseHead,
  first: Uint8Array,
  next: () => Promise<IteratorResult<Uint8Array>>,
  limit: number = MAX_ERROR_BODY_BYTES,
): Promise<Buffer> {
  const chunked = /\bchunked\b/i.test(head.headers['transfer-encoding'] ?? '');
  const lengthHeader = head.headers['content-length'];
  const length = !chunked && lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  let raw = Buffer.from(first);
  for (;;) {
    if (length !== undefined && raw.length >= length) return raw.subarray(0, Math.min(length, limit));
    if (chunked) {
      const decoded = decodeChunked(raw);
      if (decoded !== undefined) return decoded.subarray(0, limit);
    }
    if (raw.length >= limit + 64) return chunked ? (decodeChunkedPrefix(raw) ?? raw).subarray(0, limit) : raw.subarray(0, limit);
    let step: IteratorResult<Uint8Array>;
    try {
      step = await next();
    } catch {
      break;
    }
    if (step.done) break;
    raw = Buffer.concat([raw, step.value]);
  }
  return chunked ? (decodeChunkedPrefix(raw) ?? raw).subarray(0, limit) : raw.subarray(0, limit);
}

/**
 * Decodes a complete `Transfer-Encoding: chunked` body; `undefined` while the terminating
 * zero-size chunk has not arrived yet.
 */
export function decodeChunked(raw: Buffer): Buffer | undefined {
  const result = walkChunks(raw);
  return result.complete ? result.body : undefined;
}

// The chunks decoded so far (for a body cut short).
function decodeChunkedPrefix(raw: Buffer): Buffer | undefined {
  const result = walkChunks(raw);
  return result.body.length > 0 ? result.body : undefined;
}

function walkChunks(raw: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', pos, 'latin1');
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.toString('latin1', pos, lineEnd).split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) break;
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const start = lineEnd + 2;
    if (raw.length < start + size + 2) {
      parts.push(raw.subarray(start, Math.min(raw.length, start + size)));
      break;
    }
    parts.push(raw.subarray(start, start + size));
    pos = start + size + 2;
  }
  return { body: Buffer.concat(parts), complete: false };
}
