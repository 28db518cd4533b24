import type { Filters } from '../filters.js';

/**
 * An operation's options from its generated query type: the same names and types, except
 * that JSON-encoded `filters` are taken as a {@link Filters} object (the query encodes it).
 *
 * @example
 * ```ts
 * export interface ListVolumesOptions extends CallOptions, QueryOptions<VolumeListQuery> {}
 * ```
 */
export type QueryOptions<Q> = { [K in keyof Q]: K extends 'filters' ? Filters : Q[K] };
