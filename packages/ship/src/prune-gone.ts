import { type Docker, Fleet, NotFoundError } from 'dockyard';
import type { Checkpoint } from './checkpoint.js';

/**
 * Drops the checkpoint entries of containers (with `services`, tasks) that no engine of the
 * source has any more: removed while the shipper was down, their logs went with them. Only a
 * 404 from every engine counts; an engine that does not answer keeps the entry.
 */
export async function pruneGone(checkpoint: Checkpoint, source: Docker | Fleet, services: boolean, signal: AbortSignal): Promise<void> {
  const engines = source instanceof Fleet ? [...source.engines].map(([, docker]) => docker) : [source];
  const book = services ? checkpoint.tasks : checkpoint.positions;
  await Promise.all(
    [...book.keys()].map(async (id) => {
      const found = await Promise.all(
        engines.map((docker) =>
          (services ? docker.tasks.get(id).inspect({ signal }) : docker.containers.get(id).inspect({ signal })).then(
            () => true,
            (err: unknown) => !(err instanceof NotFoundError),
          ),
        ),
      );
      if (!found.includes(true)) checkpoint.forget(id, services ? 'tasks' : 'containers');
    }),
  );
}
