import type { Dirent, Stats } from 'node:fs';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DockerError, linkAbort } from '@dockyard/transport';
import type tar from 'tar-stream';
import { cleanPath } from './clean-path.js';
import { DockerignoreMatcher, type ParentMatches, parseDockerignore } from './dockerignore.js';

/** The build context could not be packed: a missing directory, an unreadable file, a bad path. */
export class BuildContextError extends DockerError {
  static override readonly code: string = 'DOCKYARD_BUILD_CONTEXT';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildContextError';
  }
}

/** Options of {@link packContext}. */
export interface PackContextOptions {
  /** The Dockerfile's path inside the context (default `Dockerfile`): always sent, even if ignored. */
  dockerfile?: string;
  /**
   * The content of a Dockerfile that lives outside the context: sent as the entry `dockerfile`
   * (a name the context does not hold, like the CLI's `.dockerfile.<random>`), and that name
   * appended to the `.dockerignore` sent, so the engine reads it as the Dockerfile while
   * `COPY .` leaves it out, as `docker build -f ../Dockerfile .` does.
   */
  dockerfileContent?: Uint8Array;
  /** Aborting it stops the packing and closes the open file, if any. */
  signal?: AbortSignal;
}

// Files up to this size are read in one piece; larger ones are streamed in chunks of it.
const CHUNK = 1 << 20;

/**
 * Packs a directory as a build context: a tar stream of everything `.dockerignore` leaves in
 * (with the engine's rules; see {@link DockerignoreMatcher}), in name order, owned by root as
 * `docker build` sends it. The Dockerfile and `.dockerignore` are always sent. Symbolic links
 * are stored as links, never followed, and no file outside the directory is ever opened
 * (files are opened with `O_NOFOLLOW`). Nothing is read before the first `next()`.
 *
 * @example
 * ```ts
 * let bytes = 0;
 * for await (const chunk of packContext('./app')) bytes += chunk.byteLength;
 * ```
 */
export async function* packContext(dir: string, options: PackContextOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const root = await contextRoot(dir);
  const dockerfile = insideContext(options.dockerfile ?? 'Dockerfile', 'The Dockerfile');
  const patterns = await readIgnoreFile(root);
  // As the docker CLI does: exceptions for the two files the engine needs.
  const matcher = new DockerignoreMatcher([...patterns, '!.dockerignore', `!${dockerfile}`]);
  // Loaded here, not with the package: only builds pay for it.
  const { default: tarStream } = await import('tar-stream');
  const pack = tarStream.pack();
  const added = options.dockerfileContent === undefined ? undefined : { name: dockerfile, content: options.dockerfileContent, ignoreSent: false };
  const state: WalkState = { pack, root, matcher, stopped: false, added };
  const stop = (): void => {
    state.stopped = true;
    pack.destroy(new BuildContextError('Packing the build context was aborted.'));
  };
  const unlink = linkAbort(options.signal, stop);
  void walk(state, '', undefined).then(
    async () => {
      if (added !== undefined && !state.stopped) {
        if (!added.ignoreSent) await addEntry(pack, { ...syntheticHeader('.dockerignore'), size: added.name.length + 1 }, Buffer.from(`${added.name}\n`));
        await addEntry(pack, { ...syntheticHeader(added.name), size: added.content.byteLength }, added.content);
      }
      pack.finalize();
    },
    (err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  try {
    for await (const chunk of pack as AsyncIterable<Uint8Array>) yield chunk;
  } finally {
    unlink();
    if (!state.stopped) {
      state.stopped = true;
      pack.destroy();
    }
  }
}

interface WalkState {
  pack: tar.Pack;
  root: string;
  matcher: DockerignoreMatcher;
  stopped: boolean;
  /** A Dockerfile from outside the context, added after the walk; `ignoreSent` once `.dockerignore` named it. */
  added: { name: string; content: Uint8Array; ignoreSent: boolean } | undefined;
}

async function contextRoot(dir: string): Promise<string> {
  let root: string;
  try {
    // The directory itself may be reached through a link (as with the CLI); nothing below it is.
    root = await realpath(resolve(dir));
  } catch (err) {
    throw new BuildContextError(`The build context directory ${dir} cannot be read (${(err as Error).message}).`, { cause: err });
  }
  if (!(await stat(root)).isDirectory()) throw new BuildContextError(`The build context ${dir} is not a directory.`);
  return root;
}

/** A cleaned, `/`-separated path relative to the context root; refuses one that leaves it. */
function insideContext(path: string, what: string): string {
  const cleaned = cleanPath(path);
  if (isAbsolute(path) || cleaned === '..' || cleaned.startsWith('../') || cleaned === '.') {
    throw new BuildContextError(`${what} must be a path inside the build context, relative to it; got ${JSON.stringify(path)}.`);
  }
  return cleaned;
}

async function readIgnoreFile(root: string): Promise<string[]> {
  const path = join(root, '.dockerignore');
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new BuildContextError(`Cannot read the .dockerignore of the build context: ${(err as Error).message}`, { cause: err });
  }
  let target = path;
  if (info.isSymbolicLink()) {
    target = await realpath(path).catch(() => path);
    const rel = relative(root, target);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new BuildContextError('The .dockerignore of the build context is a link to a file outside the context; it is not read.');
    }
  }
  return parseDockerignore(await readFile(target, 'utf8'));
}

type Kind = 'directory' | 'file' | 'symlink' | 'fifo' | 'character-device' | 'block-device' | 'socket';

function kindOf(entry: Dirent | Stats): Kind | undefined {
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFIFO()) return 'fifo';
  if (entry.isCharacterDevice()) return 'character-device';
  if (entry.isBlockDevice()) return 'block-device';
  if (entry.isSocket()) return 'socket';
  return undefined;
}

// How many entries of a directory are read ahead of the one being written: file reads overlap
// (the thread pool runs them in parallel) while the tar stays in name order. At most this many
// small files (each up to CHUNK bytes) are held at once per directory level.
const READ_AHEAD = 16;

/** One directory entry, looked at (and, for a small file, read) ahead of being written. */
type Prepared =
  | { kind: 'skip' }
  | { kind: 'directory'; path: string; excluded: boolean; parents: ParentMatches }
  | { kind: 'entry'; head: tar.Header; body?: Uint8Array }
  | { kind: 'large-file'; path: string; full: string };

async function walk(state: WalkState, dir: string, parents: ParentMatches | undefined): Promise<void> {
  const entries = await readdir(dir === '' ? state.root : join(state.root, dir), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const started: Array<Promise<Prepared>> = [];
  for (let i = 0; i < entries.length; i++) {
    while (started.length < entries.length && started.length < i + READ_AHEAD) {
      const prepared = prepare(state, dir, parents, entries[started.length] as Dirent);
      // Awaited in order below; one that fails after the walk stopped must not go unhandled.
      prepared.catch(() => undefined);
      started.push(prepared);
    }
    if (state.stopped) return;
    const item = await (started[i] as Promise<Prepared>);
    started[i] = SKIPPED;
    if (item.kind === 'directory') {
      if (!item.excluded) await addEntry(state.pack, header(item.path, await lstat(join(state.root, item.path)), 'directory'));
      await walk(state, item.path, item.parents);
    } else if (item.kind === 'entry') {
      if (state.added !== undefined && item.head.name === '.dockerignore' && item.body !== undefined) {
        const body = Buffer.concat([item.body, Buffer.from(`\n${state.added.name}\n`)]);
        state.added.ignoreSent = true;
        await addEntry(state.pack, { ...item.head, size: body.byteLength }, body);
      } else await addEntry(state.pack, item.head, item.body);
    } else if (item.kind === 'large-file') {
      await addLargeFile(state, item.path, item.full);
    }
  }
}

const SKIPPED: Promise<Prepared> = Promise.resolve({ kind: 'skip' });

async function prepare(state: WalkState, dir: string, parents: ParentMatches | undefined, dirent: Dirent): Promise<Prepared> {
  if (state.stopped) return { kind: 'skip' };
  const path = dir === '' ? dirent.name : `${dir}/${dirent.name}`;
  const full = join(state.root, path);
  const { excluded, parents: own } = state.matcher.match(path, parents);
  const kind = kindOf(dirent) ?? kindOf(await lstat(full));
  if (kind === 'directory') {
    // An excluded directory is only walked for an exception below it, and is not itself sent.
    if (excluded && !state.matcher.mustWalkExcluded(path)) return { kind: 'skip' };
    return { kind: 'directory', path, excluded, parents: own };
  }
  // Excluded files are never opened; tar cannot hold a socket (the CLI leaves them out too).
  if (excluded || kind === 'socket' || kind === undefined) return { kind: 'skip' };
  if (kind === 'file') return readSmallFile(path, full);
  const info = await lstat(full);
  if (kind === 'symlink') return { kind: 'entry', head: { ...header(path, info, 'symlink'), linkname: await readlink(full) } };
  const device = kind === 'fifo' ? {} : { devmajor: (info.rdev >> 8) & 0xfff, devminor: (info.rdev & 0xff) | ((info.rdev >> 12) & 0xfff00) };
  return { kind: 'entry', head: { ...header(path, info, kind), ...device } };
}

function header(name: string, info: Stats, type: tar.Header['type']): tar.Header {
  return {
    name,
    type,
    mode: info.mode & 0o7777,
    mtime: info.mtime,
    size: 0,
    linkname: '',
    // `docker build` sends every file as owned by root.
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
  };
}

/** A header for a file the SDK adds (not read from the context): root-owned, 0644, now. */
function syntheticHeader(name: string): tar.Header {
  return { name, type: 'file', mode: 0o644, mtime: new Date(), size: 0, linkname: '', uid: 0, gid: 0, uname: '', gname: '', devmajor: 0, devminor: 0 };
}

function addEntry(pack: tar.Pack, head: tar.Header, body?: Uint8Array): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const done = (err?: Error | null): void => (err ? reject(err) : resolvePromise());
    if (body === undefined) pack.entry(head, done);
    else pack.entry(head, body, done);
  });
}

async function openFile(path: string, full: string): Promise<FileHandle> {
  try {
    // O_NOFOLLOW: a file swapped for a link after readdir is refused, not followed.
    return await open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw new BuildContextError(`Cannot read ${path} of the build context: ${(err as Error).message}`, { cause: err });
  }
}

async function fileHeader(handle: FileHandle, path: string): Promise<tar.Header> {
  const info = await handle.stat();
  if (!info.isFile()) throw new BuildContextError(`${path} of the build context changed while it was packed.`);
  return { ...header(path, info, 'file'), size: info.size };
}

/** A file up to CHUNK bytes, read whole; a larger one is left to {@link addLargeFile}. */
async function readSmallFile(path: string, full: string): Promise<Prepared> {
  const handle = await openFile(path, full);
  try {
    const head = await fileHeader(handle, path);
    if (head.size > CHUNK) return { kind: 'large-file', path, full };
    return { kind: 'entry', head, body: await readExactly(handle, path, 0, head.size) };
  } finally {
    await handle.close();
  }
}

async function addLargeFile(state: WalkState, path: string, full: string): Promise<void> {
  const handle = await openFile(path, full);
  try {
    const head = await fileHeader(handle, path);
    let sink!: ReturnType<tar.Pack['entry']>;
    const finished = new Promise<void>((resolveDone, reject) => {
      sink = state.pack.entry(head, (err) => (err ? reject(err) : resolveDone()));
    });
    // Awaited below; if reading fails first, the pack is destroyed with that error instead.
    finished.catch(() => undefined);
    try {
      for (let offset = 0; offset < head.size && !state.stopped; offset += CHUNK) {
        const chunk = await readExactly(handle, path, offset, Math.min(CHUNK, head.size - offset));
        if (!sink.write(chunk)) await drained(sink);
      }
    } catch (err) {
      sink.destroy(err as Error);
      throw err;
    }
    sink.end(undefined);
    await finished;
  } finally {
    await handle.close();
  }
}

function drained(sink: ReturnType<tar.Pack['entry']>): Promise<void> {
  return new Promise((resume) => {
    sink.once('drain', resume);
    sink.once('close', resume);
  });
}

async function readExactly(handle: FileHandle, path: string, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new BuildContextError(`${path} of the build context shrank while it was packed.`);
    filled += bytesRead;
  }
  return buffer;
}
