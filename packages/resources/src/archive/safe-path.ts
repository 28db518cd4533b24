import { lstat, mkdir, readlink, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ArchiveEntryError } from './errors.js';

// The kernel gives up after 40 links in one lookup (ELOOP); so do we.
const MAX_LINK_HOPS = 40;

/**
 * The components of an archive path (an entry name or a hard link's target) below the target
 * directory. `[]` is the directory itself (`./`). Absolute names and `..` are refused, with an
 * {@link ArchiveEntryError} naming `entry`.
 */
export function archivePathComponents(name: string, entry: string = name): string[] {
  if (name.startsWith('/')) throw new ArchiveEntryError(entry, `${describe(name, entry)} is absolute; archive paths must be relative to the target directory.`);
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new ArchiveEntryError(entry, `${describe(name, entry)} climbs out of the target directory with "..".`);
  return parts;
}

/** True when `path` is `root` or below it (both real, absolute paths). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of the directory that holds the last of `parts`, found one component at a
 * time from `root` (a real path) without ever leaving it: missing directories are created
 * when `create` is set, a symlinked directory is followed only when it resolves inside
 * `root`, and anything else in the way is refused.
 */
export async function realParent(root: string, parts: readonly string[], entry: string, create: boolean): Promise<string> {
  let base = root;
  for (const part of parts.slice(0, -1)) {
    const next = join(base, part);
    const info = await lstatOrUndefined(next);
    if (info === undefined) {
      if (!create) throw new ArchiveEntryError(entry, `${relative(root, next)} does not exist in the target directory.`);
      await mkdir(next, { mode: 0o755 });
      base = next;
    } else if (info.isDirectory()) {
      base = next;
    } else if (info.isSymbolicLink()) {
      const real = await realpath(next).catch(() => undefined);
      if (real === undefined || !isInside(root, real) || !(await stat(real)).isDirectory()) {
        throw new ArchiveEntryError(entry, `it would be written through the link ${relative(root, next)}, which does not lead to a directory inside the target directory.`);
      }
      base = real;
    } else {
      throw new ArchiveEntryError(entry, `${relative(root, next)} is in its path and is not a directory.`);
    }
  }
  return base;
}

/**
 * True when a symlink in `linkDir` (a real path inside `root`) with this target resolves
 * inside `root`, as the kernel would resolve it now: links met on the way are followed,
 * components that do not exist (yet) are taken as they are. Absolute targets, and targets
 * that step above `root` at any point, are outside.
 */
export async function linkTargetInside(root: string, linkDir: string, target: string): Promise<boolean> {
  if (isAbsolute(target)) return false;
  let current = linkDir;
  const pending = target.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (current === root) return false;
      current = join(current, '..');
      continue;
    }
    const next = join(current, part);
    const info = await lstatOrUndefined(next);
    if (info?.isSymbolicLink()) {
      if (++hops > MAX_LINK_HOPS) return false;
      const hop = await readlink(next);
      if (isAbsolute(hop)) return false;
      pending.unshift(...hop.split('/'));
    } else {
      current = next;
    }
  }
  return isInside(root, current);
}

/** `lstat`, with a missing path as `undefined`. */
export async function lstatOrUndefined(path: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function describe(name: string, entry: string): string {
  return name === entry ? 'its name' : `its link target ${JSON.stringify(name)}`;
}
