/**
 * A plain Uint8Array view of `length` bytes of `chunk` from `start`. Built directly rather
 * than with `subarray`, which on a Buffer goes through the species constructor (slower per
 * frame) and would hand out Buffers from some sources and Uint8Arrays from others.
 */
export function view(chunk: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, length);
}

/** Below this, `Buffer.allocUnsafe` hands out slices of a shared pool: keep those zero-filled and private. */
const UNPOOLED_SIZE = 4096;

/**
 * Concatenates `parts` (total `size` bytes) into one new Uint8Array. Large frames skip the
 * zero-fill (every byte is written right after), which is most of a copy's cost.
 */
export function concatParts(parts: readonly Uint8Array[], size: number): Uint8Array {
  const joined = size >= UNPOOLED_SIZE ? unzeroed(size) : new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/** A fresh (not pooled), not zero-filled plain Uint8Array of `size` bytes. */
function unzeroed(size: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
}
