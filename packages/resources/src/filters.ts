/**
 * Engine list filters: `{ label: ['app=web'], status: ['running'] }`. Sent JSON-encoded as
 * the engine's `map[string][]string`.
 */
export type Filters = Record<string, string[] | Record<string, boolean>>;
