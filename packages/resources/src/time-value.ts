/** A point in time as the engine's `since`/`until` take it: a Date, Unix seconds, or the engine's string forms (`'10m'`, RFC 3339). */
export type TimeValue = Date | number | string;

/** Encodes a {@link TimeValue} for a query string: Dates become Unix seconds with fractions. */
export function encodeTime(value: TimeValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TypeError('Invalid Date passed as since/until.');
    return (ms / 1000).toFixed(3);
  }
  return String(value);
}
