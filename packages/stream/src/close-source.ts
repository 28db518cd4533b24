/**
 * Closes what an iterator read from: the iterator it made of `source`, or, when it never
 * started, `source` itself if that is a live iterator (a generator, a stream's iterator).
 * A source that is only an iterable and was never iterated holds nothing open.
 */
export async function closeSource<T>(source: AsyncIterable<T>, iterator: AsyncIterator<T> | undefined): Promise<void> {
  const live = iterator ?? (isAsyncIterator<T>(source) ? source : undefined);
  await live?.return?.();
}

function isAsyncIterator<T>(value: unknown): value is AsyncIterator<T> {
  return typeof (value as { next?: unknown }).next === 'function';
}
