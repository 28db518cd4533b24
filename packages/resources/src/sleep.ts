import { AbortError, linkAbort } from '@dockyard/transport';

/** Resolves after `ms`, or rejects with {@link AbortError} when `signal` fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError('The operation was aborted by its AbortSignal.', { cause: signal.reason }));
    const timer = setTimeout(() => {
      unlink();
      resolve();
    }, ms);
    const unlink = linkAbort(signal, (reason) => {
      clearTimeout(timer);
      reject(new AbortError('The operation was aborted by its AbortSignal.', { cause: reason }));
    });
  });
}
