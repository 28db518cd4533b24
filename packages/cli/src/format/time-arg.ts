import { UsageError } from '../command.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/**
 * `--since` / `--until` as the docker CLI reads them, into what the engine takes: a Go
 * duration (`10m`, `1h30m`) means that long before now; a date or RFC 3339 time is converted;
 * Unix seconds (`1700000000`, `1700000000.5`) pass as they are.
 */
export function timeArg(value: string | undefined, option: string, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  if (DURATION.test(value)) {
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 0);
    return ((now - ms) / 1000).toFixed(3);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`invalid ${option} "${value}": use an RFC 3339 time, Unix seconds, or a duration such as 10m`);
  }
  return (date.getTime() / 1000).toFixed(3);
}
