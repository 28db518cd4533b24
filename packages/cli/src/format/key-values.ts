import { UsageError } from '../command.js';

/** Splits `k=v` (the value may contain `=`); `what` names the option in the error. */
export function splitKeyValue(item: string, what: string): [string, string] {
  const eq = item.indexOf('=');
  if (eq <= 0) throw new UsageError(`bad format for ${what}: "${item}" (expected key=value)`);
  return [item.slice(0, eq), item.slice(eq + 1)];
}

/** `--filter k=v` given any number of times → the engine's filters object, `{ k: [v, …] }`. */
export function filtersOf(items: string[] | undefined): Record<string, string[]> | undefined {
  if (!items || items.length === 0) return undefined;
  const filters: Record<string, string[]> = {};
  for (const item of items) {
    const [key, value] = splitKeyValue(item, '--filter');
    (filters[key] ??= []).push(value);
  }
  return filters;
}

/** `--label k=v` / `--build-arg K=V` given any number of times → an object; a bare key maps to ''. */
export function mapOf(items: string[] | undefined, what: string): Record<string, string> | undefined {
  if (!items || items.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    if (!item.includes('=')) out[item] = '';
    else {
      const [key, value] = splitKeyValue(item, what);
      out[key] = value;
    }
  }
  return out;
}

/** `--format`: only `json` (engine JSON, one object a line) or nothing (a table). */
export function formatOf(format: unknown): 'json' | 'table' {
  if (format === undefined || format === 'table') return 'table';
  if (format === 'json') return 'json';
  throw new UsageError(`unsupported --format "${String(format)}": use "json" (engine JSON, one object a line) or "table"`);
}
