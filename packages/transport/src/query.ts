/**
 * One query parameter value, encoded the way the Docker engine reads it:
 * - `string` and `number` as they are;
 * - `boolean` as `1` / `0` (the engine's `BoolValue` reads `1`/`true` as true and
 *   `0`/`false`/`no`/empty as false; `strconv.ParseBool` endpoints accept `1`/`0` too);
 * - `string[]` as the key repeated once per item (an empty array sends nothing);
 * - a plain object (`filters`, `buildargs`, `labels`, ...) as its JSON;
 * - `undefined` / `null` leave the key out.
 */
export type QueryValue = string | number | boolean | undefined | null | string[] | Record<string, unknown>;

/** Query parameters of one request. */
export type Query = Record<string, QueryValue>;

/**
 * Encodes query parameters as a query string, with its leading `?` (or `''` when nothing is
 * left to send). See {@link QueryValue} for how each kind of value is written.
 *
 * @example
 * ```ts
 * encodeQuery({ all: true, filters: { label: ['app=web'] }, limit: undefined });
 * // '?all=1&filters=%7B%22label%22%3A%5B%22app%3Dweb%22%5D%7D'
 * ```
 */
export function encodeQuery(query: Query | undefined): string {
  if (query === undefined) return '';
  // String concatenation on purpose: this runs on every request (URLSearchParams costs more).
  let out = '';
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    const name = encodeURIComponent(key);
    switch (typeof value) {
      case 'string':
        out += `&${name}=${encodeURIComponent(value)}`;
        break;
      case 'boolean':
        out += value ? `&${name}=1` : `&${name}=0`;
        break;
      case 'number':
        if (!Number.isFinite(value)) throw new TypeError(`Query parameter "${key}" must be a finite number, got ${value}`);
        out += `&${name}=${value}`;
        break;
      default:
        if (Array.isArray(value)) {
          for (const item of value) out += `&${name}=${encodeURIComponent(String(item))}`;
        } else {
          out += `&${name}=${encodeURIComponent(JSON.stringify(value))}`;
        }
    }
  }
  return out === '' ? '' : `?${out.slice(1)}`;
}
