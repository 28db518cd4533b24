/**
 * How a reconnecting stream spaces its attempts: capped exponential backoff with jitter.
 * Attempt n (1-based) waits `min(maxDelay, initialDelay × factor^(n-1))`, spread by ±`jitter`
 * of itself (so many clients restarted together do not reconnect in step), never above `maxDelay`.
 * The count starts again after each connection the engine answered.
 */
export interface RetryOptions {
  /** Milliseconds before the first attempt after a drop (default 100). */
  initialDelay?: number;
  /** The longest wait between attempts, in milliseconds (default 2000: an engine back from a restart is noticed within about that). */
  maxDelay?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Fraction of each delay spread at random, 0 to 1 (default 0.2: ±20 %). */
  jitter?: number;
}

const DEFAULTS: Required<RetryOptions> = { initialDelay: 100, maxDelay: 2000, factor: 2, jitter: 0.2 };

/** {@link RetryOptions} checked and completed with the defaults; throws `TypeError` for nonsense. */
export function retryPolicy(options: RetryOptions = {}): Required<RetryOptions> {
  const policy = { ...DEFAULTS, ...definedOnly(options) };
  const bad = (name: string, rule: string) => new TypeError(`retry.${name} must be ${rule}; got ${String(policy[name as keyof RetryOptions])}.`);
  if (!(Number.isFinite(policy.initialDelay) && policy.initialDelay >= 0)) throw bad('initialDelay', 'a finite number ≥ 0');
  if (!(Number.isFinite(policy.maxDelay) && policy.maxDelay >= policy.initialDelay)) throw bad('maxDelay', 'a finite number ≥ initialDelay');
  if (!(Number.isFinite(policy.factor) && policy.factor >= 1)) throw bad('factor', 'a finite number ≥ 1');
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) throw bad('jitter', 'between 0 and 1');
  return policy;
}

/** Milliseconds to wait before attempt `attempt` (1-based); `random` is in [0, 1). */
export function retryDelay(policy: Required<RetryOptions>, attempt: number, random: number = Math.random()): number {
  const base = Math.min(policy.maxDelay, policy.initialDelay * policy.factor ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter * (2 * random - 1);
  return Math.max(0, Math.min(policy.maxDelay, Math.round(base + spread)));
}

function definedOnly(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as RetryOptions;
}
