import type { QueuedReader } from '../read-stream.js';
import { ResponseBody, framingOf } from '../http/response-body.js';
import type { ResponseHead } from './response-head-parser.js';

/** At most this much of an error body is kept (engine error bodies are a line of JSON). */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/**
 * Reads the body of a non-upgraded answer to a hijack request, framed as its head says, never
 * more than `limit` bytes. `first` holds the body bytes that came with the head. A broken or
 * malformed body ends where it broke: the status already says what went wrong.
 */
export async function readResponseBody(head: ResponseHead, first: Uint8Array, reader: QueuedReader, limit: number = MAX_ERROR_BODY_BYTES): Promise<Buffer> {
  const body = new ResponseBody(reader, framingOf('POST', head), first, { complete() {}, abandon() {} });
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (let step = await body.next(); !step.done && size < limit; step = await body.next()) {
      parts.push(step.value);
      size += step.value.length;
    }
  } catch {
    // Keep what came.
  }
  return Buffer.concat(parts).subarray(0, limit);
}
