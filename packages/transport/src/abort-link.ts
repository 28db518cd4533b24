/**
 * One listener per signal, however many streams share it: a thousand streams on one
 * `AbortSignal` would otherwise add a thousand listeners (and Node's
 * `MaxListenersExceededWarning`). Every dockyard package wires signals through here.
 */
const subscribers = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/**
 * Calls `onAbort(signal.reason)` once when `signal` aborts (at once, synchronously, when it
 * already has). Returns the function that unlinks it; call it when the work is over.
 *
 * @example
 * ```ts
 * const unlink = linkAbort(options.signal, (reason) => controller.abort(reason));
 * try { await work(controller.signal); } finally { unlink(); }
 * ```
 */
export function linkAbort(signal: AbortSignal | undefined, onAbort: (reason: unknown) => void): () => void {
  if (signal === undefined) return noop;
  if (signal.aborted) {
    onAbort(signal.reason);
    return noop;
  }
  let set = subscribers.get(signal);
  if (set === undefined) {
    const fresh = new Set<(reason: unknown) => void>();
    set = fresh;
    subscribers.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        subscribers.delete(signal);
        for (const fn of [...fresh]) fn(signal.reason);
      },
      { once: true },
    );
  }
  set.add(onAbort);
  const registered = set;
  return () => {
    registered.delete(onAbort);
  };
}

function noop(): void {}
