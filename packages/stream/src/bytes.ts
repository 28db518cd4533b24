/**
 * A plain Uint8Array view of `length` bytes of `chunk` from `start`. Built directly rather
 * than with `subarray`, which on a Buffer goes through the species constructor (slower per
 * frame) and would hand out Buffers from some sources and Uint8Arrays from others.
 */
export function view(chunk: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, length);
}

/** Concatenates `parts` (total `size` bytes) into one new Uint8Array. */
export function concatParts(parts: readonly Uint8Array[], size: number): Uint8Array {
  const joined = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
