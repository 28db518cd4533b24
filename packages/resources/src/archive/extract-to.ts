import { chmod, link, mkdir, open, readlink, realpath, symlink, unlink, utimes } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { StreamError } from '@dockyard/stream';
import { DockerError } from '@dockyard/transport';
import type tar from 'tar-stream';
import { ArchiveEntryError } from './errors.js';
import { archivePathComponents, linkTargetInside, lstatOrUndefined, realParent } from './safe-path.js';

/** One archive entry: its header, and its content as it is read. */
type Entry = AsyncIterable<Uint8Array> & { header: tar.Header };

interface PendingDirectory {
  entry: string;
  path: string;
  mode: number | undefined;
  mtime: Date | undefined;
}

interface CreatedLink {
  entry: string;
  path: string;
  dir: string;
  target: string;
}

/**
 * Extracts a tar stream into `dir` (created if missing): files, directories, symlinks (kept
 * as links), hard links, permission bits (`0o777`; setuid, setgid and sticky bits are
 * dropped) and modification times. Ownership is not changed; device nodes and FIFOs are
 * skipped.
 *
 * Nothing is ever written outside `dir`: entries with absolute names or `..`, symlinks whose
 * target is absolute or resolves outside `dir`, hard links to paths outside it, and entries
 * that would be written through a link leading out are refused with an
 * {@link ArchiveEntryError} naming the entry. Any error stops the extraction and closes
 * `source` (for an engine stream: its socket). Entries before the refused one stay written.
 *
 * @example
 * ```ts
 * await extractTar(c.export(), './rootfs');            // a container's whole filesystem
 * ```
 */
export async function extractTar(source: AsyncIterable<Uint8Array>, dir: string): Promise<void> {
  // Loaded here, not with the package: only extraction pays for it.
  const { default: tarStream } = await import('tar-stream');
  const input = source[Symbol.asyncIterator]();
  const extract = tarStream.extract();
  const pumped = pump(input, extract);
  const entries = extract[Symbol.asyncIterator]() as AsyncIterator<Entry>;
  const writer = new TreeWriter();
  try {
    await writer.open(dir);
    for (;;) {
      const next = await nextEntry(entries);
      if (next === undefined) break;
      await writer.write(next);
    }
    await writer.finish();
  } catch (err) {
    // Close the source first (the socket), then tear the parser down.
    await input.return?.().catch(() => undefined);
    await entries.return?.().catch(() => undefined);
    await writer.removeEscapingLinks().catch(() => undefined);
    throw err;
  } finally {
    await pumped;
  }
}

/** Feeds the source into the tar parser with backpressure; a source error ends the parser with it. */
async function pump(input: AsyncIterator<Uint8Array>, extract: tar.Extract): Promise<void> {
  try {
    for (;;) {
      const { done, value } = await input.next();
      if (done) break;
      if (extract.destroying) return;
      if (!extract.write(value)) await drained(extract);
    }
    extract.end(undefined);
  } catch (err) {
    extract.destroy(err as Error);
  }
}

/** Resolves once the parser takes more bytes, or is torn down (then at once if it already is). */
function drained(extract: tar.Extract): Promise<void> {
  return new Promise((resolve) => {
    if (extract.destroying) {
      resolve();
      return;
    }
    const done = () => {
      extract.off('drain', done);
      extract.off('close', done);
      resolve();
    };
    extract.on('drain', done);
    extract.on('close', done);
  });
}

/** The next entry; errors of the source pass as they are, the parser's become a {@link StreamError}. */
async function nextEntry(entries: AsyncIterator<Entry>): Promise<Entry | undefined> {
  try {
    const { done, value } = await entries.next();
    return done ? undefined : value;
  } catch (err) {
    if (err instanceof DockerError) throw err;
    throw new StreamError(`The archive is not a valid tar stream: ${(err as Error).message}`, { cause: err });
  }
}

/** An entry's bytes; the parser failing inside it (a truncated archive) is a {@link StreamError}. */
async function* contentOf(entry: Entry): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of entry) yield chunk;
  } catch (err) {
    if (err instanceof DockerError) throw err;
    throw new StreamError(`The archive broke inside entry ${JSON.stringify(entry.header.name)}: ${(err as Error).message}`, { cause: err });
  }
}

async function drain(entry: Entry): Promise<void> {
  for await (const _ of contentOf(entry)) {
    // skipped content
  }
}

/** Writes entries below one real root directory, remembering what has to be finished at the end. */
class TreeWriter {
  #root = '';
  readonly #directories: PendingDirectory[] = [];
  readonly #links: CreatedLink[] = [];

  async open(dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
      this.#root = await realpath(dir);
    } catch (err) {
      throw new DockerError(`Could not create the target directory ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  async write(entry: Entry): Promise<void> {
    const { header } = entry;
    const name = header.name;
    const parts = archivePathComponents(name);
    if (parts.length === 0) {
      // `./`: the target directory itself, which the caller owns.
      await drain(entry);
      return;
    }
    let path = name;
    try {
      const parent = await realParent(this.#root, parts, name, true);
      path = join(parent, parts[parts.length - 1] as string);
      switch (header.type) {
        case 'directory':
          await this.#directory(entry, path);
          return;
        case 'file':
        case 'contiguous-file':
          await this.#file(entry, path);
          return;
        case 'symlink':
          await this.#symlink(entry, parent, path);
          return;
        case 'link':
          await this.#hardLink(entry, parent, path);
          return;
        default:
          await drain(entry);
      }
    } catch (err) {
      if (err instanceof DockerError) throw err;
      throw new ArchiveEntryError(name, `it could not be written to ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Directory modes and times go last, deepest first: a read-only directory must still take its children. */
  async finish(): Promise<void> {
    await this.#checkLinks();
    const directories = this.#directories.sort((a, b) => b.path.length - a.path.length);
    for (const { entry, path, mode, mtime } of directories) {
      try {
        if (mode !== undefined) await chmod(path, mode & 0o777);
        if (mtime !== undefined) await utimes(path, mtime, mtime);
      } catch (err) {
        throw new ArchiveEntryError(entry, `its mode or time could not be set on ${path}: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /** After a failure: links that a later entry turned into a way out are not left behind. */
  async removeEscapingLinks(): Promise<void> {
    for (const created of this.#links) {
      if (!(await linkTargetInside(this.#root, created.dir, created.target))) await unlink(created.path).catch(() => undefined);
    }
  }

  async #directory(entry: Entry, path: string): Promise<void> {
    const existing = await lstatOrUndefined(path);
    if (existing?.isDirectory() !== true) {
      if (existing !== undefined) await unlink(path);
      await mkdir(path, { mode: 0o755 });
    }
    this.#directories.push({ entry: entry.header.name, path, mode: entry.header.mode, mtime: entry.header.mtime });
    await drain(entry);
  }

  async #file(entry: Entry, path: string): Promise<void> {
    await this.#clear(entry.header.name, path);
    // O_EXCL: never follows a link put there since the check.
    const file = await open(path, 'wx', 0o600);
    try {
      for await (const chunk of contentOf(entry)) await file.write(chunk);
      if (entry.header.mode !== undefined) await file.chmod(entry.header.mode & 0o777);
      if (entry.header.mtime !== undefined) await file.utimes(entry.header.mtime, entry.header.mtime);
    } finally {
      await file.close();
    }
  }

  async #symlink(entry: Entry, parent: string, path: string): Promise<void> {
    const { name, linkname } = entry.header;
    const target = linkname ?? '';
    if (target === '') throw new ArchiveEntryError(name, 'it is a symlink without a target.');
    await this.#checkLinkTarget(name, parent, target);
    await this.#clear(name, path);
    await symlink(target, path);
    this.#links.push({ entry: name, path, dir: parent, target });
    await drain(entry);
  }

  async #hardLink(entry: Entry, parent: string, path: string): Promise<void> {
    const { name, linkname } = entry.header;
    const sourceParts = archivePathComponents(linkname ?? '', name);
    if (sourceParts.length === 0) throw new ArchiveEntryError(name, 'it is a hard link to the target directory itself.');
    const sourceParent = await realParent(this.#root, sourceParts, name, false);
    const source = join(sourceParent, sourceParts[sourceParts.length - 1] as string);
    const info = await lstatOrUndefined(source);
    if (info === undefined) throw new ArchiveEntryError(name, `it is a hard link to ${JSON.stringify(linkname)}, which is not in the target directory.`);
    if (info.isDirectory()) throw new ArchiveEntryError(name, `it is a hard link to the directory ${JSON.stringify(linkname)}.`);
    let linkTarget: string | undefined;
    if (info.isSymbolicLink()) {
      // A hard link to a symlink is that symlink again, now read from the new link's directory.
      linkTarget = await readlink(source);
      await this.#checkLinkTarget(name, parent, linkTarget);
    }
    await this.#clear(name, path);
    await link(source, path);
    if (linkTarget !== undefined) this.#links.push({ entry: name, path, dir: parent, target: linkTarget });
    await drain(entry);
  }

  async #checkLinkTarget(name: string, dir: string, target: string): Promise<void> {
    if (target.startsWith('/')) throw new ArchiveEntryError(name, `it links to the absolute path ${JSON.stringify(target)}, outside the target directory.`);
    if (!(await linkTargetInside(this.#root, dir, target))) {
      throw new ArchiveEntryError(name, `it links to ${JSON.stringify(target)}, which resolves outside the target directory.`);
    }
  }

  /** A later entry may chain through links made by earlier ones: every link is checked again at the end. */
  async #checkLinks(): Promise<void> {
    for (const created of this.#links) {
      if (!(await linkTargetInside(this.#root, created.dir, created.target))) {
        await unlink(created.path);
        throw new ArchiveEntryError(created.entry, `it links to ${JSON.stringify(created.target)}, which resolves outside the target directory once the archive is extracted.`);
      }
    }
  }

  /** Makes room for a non-directory: what is there goes, unless it is a directory. */
  async #clear(name: string, path: string): Promise<void> {
    const existing = await lstatOrUndefined(path);
    if (existing === undefined) return;
    if (existing.isDirectory()) throw new ArchiveEntryError(name, `a directory already exists at ${relative(this.#root, path)}.`);
    await unlink(path);
  }
}
