import { DockerError } from '@dockyard/transport';

/** One engine's failure within a fleet call. */
export interface EngineFailure {
  /** The engine's name in the fleet. */
  engine: string;
  error: unknown;
}

/**
 * A one-shot fleet call (e.g. `fleet.containers.list()`) where some engines failed: the
 * message names each with its error; `results` holds what the other engines answered.
 */
export class FleetError<T = unknown> extends DockerError {
  static override readonly code: string = 'DOCKYARD_FLEET';
  /** Each failed engine and its error. */
  readonly failures: EngineFailure[];
  /** What the engines that answered gave. */
  readonly results: T;

  constructor(failures: EngineFailure[], results: T) {
    const parts = failures.map(({ engine, error }) => `${engine}: ${error instanceof Error ? error.message : String(error)}`);
    super(`${failures.length} engine(s) of the fleet failed: ${parts.join('; ')}`, { cause: failures[0]?.error });
    this.failures = failures;
    this.results = results;
  }
}
