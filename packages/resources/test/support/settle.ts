/** Records how `promise` settles, so a test can look without awaiting a hang. */
export function watch<T>(promise: Promise<T>): { outcome?: { value: T } | { error: unknown } } {
  const seen: { outcome?: { value: T } | { error: unknown } } = {};
  promise.then(
    (value) => (seen.outcome = { value }),
    (error: unknown) => (seen.outcome = { error }),
  );
  return seen;
}

/** One turn of the event loop (what is already settled has been handled). */
export const turn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));
