import { DockerError } from '@dockyard/transport';

/**
 * The ID in a create answer. The spec says `Id` (IDResponse); engines send `ID` for secrets
 * and configs. `what` names the resource for the error when there is neither.
 */
export function createdId(res: { Id?: string; ID?: string }, what: string): string {
  const id = res.ID ?? res.Id;
  if (!id) throw new DockerError(`The engine answered the ${what} create without an ID.`);
  return id;
}
