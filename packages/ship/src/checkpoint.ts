import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CheckpointError } from './errors.js';
import type { LogPosition } from './follow-all.js';

interface CheckpointFile {
  version: 1;
  containers: Record<string, LogPosition>;
  /** Swarm tasks (`ship({ services: true })`), by task ID; absent when there are none. */
  tasks?: Record<string, LogPosition>;
}

/** Which entries: containers' (by container ID) or swarm tasks' (by task ID). */
export type CheckpointBook = 'containers' | 'tasks';

/**
 * Per-container (and per swarm task) positions in a JSON file, replaced atomically: written to a temp file,
 * fsynced, renamed over the old one, and the directory fsynced, so a crash at any point
 * leaves either the old or the new file, never a torn one.
 */
export class Checkpoint {
  readonly positions = new Map<string, LogPosition>();
  /** Swarm tasks' positions, by task ID. */
  readonly tasks = new Map<string, LogPosition>();
  #dirty = false;
  #writing: Promise<void> = Promise.resolve();

  private constructor(readonly path: string | undefined) {}

  /** Reads the file (a missing file is an empty checkpoint). */
  static async load(path: string | undefined): Promise<Checkpoint> {
    const checkpoint = new Checkpoint(path);
    if (path === undefined) return checkpoint;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return checkpoint;
      throw new CheckpointError(`checkpoint ${path}: ${(err as Error).message}`, { cause: err });
    }
    let parsed: CheckpointFile;
    try {
      parsed = JSON.parse(text) as CheckpointFile;
    } catch (err) {
      throw new CheckpointError(`checkpoint ${path} is not JSON: ${(err as Error).message}`, { cause: err });
    }
    if (parsed?.version !== 1 || typeof parsed.containers !== 'object' || parsed.containers === null) {
      throw new CheckpointError(`checkpoint ${path} is not a dockyard ship checkpoint (version 1)`);
    }
    if (parsed.tasks !== undefined && (typeof parsed.tasks !== 'object' || parsed.tasks === null)) {
      throw new CheckpointError(`checkpoint ${path}: its tasks are not an object`);
    }
    for (const [book, entries, what] of [[checkpoint.positions, parsed.containers, 'container'], [checkpoint.tasks, parsed.tasks ?? {}, 'task']] as const) {
      for (const [id, position] of Object.entries(entries)) {
        if (typeof position?.time !== 'string' || !Number.isSafeInteger(position.count) || position.count < 0) {
          throw new CheckpointError(`checkpoint ${path}: ${what} ${id} has no valid position`);
        }
        book.set(id, { time: position.time, count: position.count });
      }
    }
    return checkpoint;
  }

  /** Records that a container's (or a task's) lines up to `position` were acked. */
  advance(id: string, position: LogPosition, book: CheckpointBook = 'containers'): void {
    (book === 'tasks' ? this.tasks : this.positions).set(id, position);
    this.#dirty = true;
  }

  /** Drops a container's (or a task's) entry: the next write leaves it out. */
  forget(id: string, book: CheckpointBook = 'containers'): void {
    if ((book === 'tasks' ? this.tasks : this.positions).delete(id)) this.#dirty = true;
  }

  /** Writes the file if anything advanced since the last write (one write at a time). */
  save(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  async #write(): Promise<void> {
    if (!this.#dirty || this.path === undefined) return;
    this.#dirty = false;
    const body: CheckpointFile = { version: 1, containers: Object.fromEntries(this.positions) };
    if (this.tasks.size > 0) body.tasks = Object.fromEntries(this.tasks);
    const temp = `${this.path}.tmp-${process.pid}`;
    try {
      const file = await open(temp, 'w');
      try {
        await file.writeFile(JSON.stringify(body));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.path);
      const dir = await open(dirname(this.path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (err) {
      this.#dirty = true;
      throw new CheckpointError(`checkpoint ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
