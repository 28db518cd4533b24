import { Readable } from 'node:stream';

/** A request body as it goes on the wire, with the `Content-Type` it implies (if any). */
export interface EncodedBody {
  body: string | Uint8Array | Readable | AsyncIterable<Uint8Array> | undefined;
  contentType: string | undefined;
}

const NO_BODY: EncodedBody = { body: undefined, contentType: undefined };

/**
 * Encodes a request body: `string`, `Uint8Array`, a Node `Readable` or an
 * `AsyncIterable<Uint8Array>` go as they are (the caller names their `Content-Type`, e.g.
 * `application/x-tar`); anything else (plain objects, arrays) goes as JSON with
 * `Content-Type: application/json`.
 *
 * @example
 * ```ts
 * encodeBody({ Image: 'busybox' }); // { body: '{"Image":"busybox"}', contentType: 'application/json' }
 * ```
 */
export function encodeBody(body: unknown): EncodedBody {
  if (body === undefined) return NO_BODY;
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof Readable) return { body, contentType: undefined };
  if (isAsyncIterable(body)) return { body, contentType: undefined };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}
