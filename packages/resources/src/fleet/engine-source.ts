import { ConnectionError, DockerError } from '@dockyard/transport';

// An engine's source failing for good (e.g. a 400) becomes an item; the source error carries
// its engine. Anything else (the fleet stream's own abort) ends the stream.
export function failureItem<T>(error: unknown): T {
  if (error instanceof EngineSourceError) return { engine: error.engine, error: error.error } as T;
  throw error;
}

/** Wraps a source's error with the engine it came from, for the merge's `onError`. */
export class EngineSourceError {
  constructor(
    readonly engine: string,
    readonly error: DockerError,
  ) {}
}

/** Anything thrown, as a DockerError (the original kept as `cause`). */
export function asDockerError(error: unknown): DockerError {
  if (error instanceof DockerError) return error;
  return new ConnectionError(error instanceof Error ? error.message : String(error), { cause: error });
}
