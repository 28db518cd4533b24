import { DockerError } from '@dockyard/transport';

/**
 * An archive entry that `extractTo` refused: its name is absolute or climbs out with `..`,
 * it is a symlink or hard link whose target resolves outside the target directory, it would
 * be written through a link that leads outside, or it collides with a directory. Nothing of
 * the entry was written; the message names the entry as the archive spells it.
 *
 * @example
 * ```ts
 * try { await c.getArchive('/data').extractTo('./out'); }
 * catch (err) { if (err instanceof ArchiveEntryError) console.error(err.entry, err.message); }
 * ```
 */
export class ArchiveEntryError extends DockerError {
  static override readonly code: string = 'DOCKYARD_ARCHIVE_ENTRY';
  /** The entry's name as the archive spells it. */
  readonly entry: string;

  constructor(entry: string, reason: string, options: { cause?: unknown } = {}) {
    super(`Refused archive entry ${JSON.stringify(entry)}: ${reason}`, options);
    this.entry = entry;
  }
}

/**
 * What `putArchive` was given cannot be sent: a string that is not a directory, or a value
 * that is neither bytes nor a stream of bytes, or a directory that could not be read while packing.
 */
export class ArchiveSourceError extends DockerError {
  static override readonly code: string = 'DOCKYARD_ARCHIVE_SOURCE';
}
