import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackResources } from '@dockyard/testkit';
import { ArchiveEntryError, ArchiveSourceError, type Container, Docker, type DockerError, NotFoundError, ServerError } from '../src/index.js';
import { createContainer } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
const scratch = await mkdtemp(join(tmpdir(), 'dockyard-archive-'));
let c: Container;

beforeAll(async () => {
  // Archive calls work on a container that was created and never started.
  c = await createContainer(docker, resources, {}, 'archive');
});
afterAll(async () => {
  await docker.close();
  await rm(scratch, { recursive: true, force: true });
});

/** A tar of the given entries, made with tar-stream. */
async function tarOf(entries: Array<{ header: Parameters<tar.Pack['entry']>[0]; content?: Uint8Array | string }>): Promise<Buffer> {
  const pack = tar.pack();
  const parts: Buffer[] = [];
  const read = (async () => {
    for await (const part of pack) parts.push(part as Buffer);
  })();
  for (const { header, content } of entries) pack.entry(header, content ?? '');
  pack.finalize();
  await read;
  return Buffer.concat(parts);
}

type Node = { type: 'dir'; mode: number } | { type: 'file'; mode: number; content: string } | { type: 'symlink'; target: string };

/** Every path below `root` with its type, permission bits, content or link target. */
async function treeOf(root: string, prefix = ''): Promise<Record<string, Node>> {
  const tree: Record<string, Node> = {};
  for (const name of (await readdir(join(root, prefix))).sort()) {
    const rel = join(prefix, name);
    const path = join(root, rel);
    const info = await lstat(path);
    if (info.isSymbolicLink()) tree[rel] = { type: 'symlink', target: await readlink(path) };
    else if (info.isDirectory()) {
      tree[rel] = { type: 'dir', mode: info.mode & 0o777 };
      Object.assign(tree, await treeOf(root, rel));
    } else tree[rel] = { type: 'file', mode: info.mode & 0o777, content: await readFile(path, 'utf8') };
  }
  return tree;
}

/** The inodes of the sockets this process holds open, from /proc/self/fd. */
function socketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith('socket:')) inodes.add(target);
    } catch {
      // closed between readdir and readlink
    }
  }
  return inodes;
}
const difference = (a: Set<string>, b: Set<string>) => new Set([...a].filter((x) => !b.has(x)));
const intersection = (a: Set<string>, b: Set<string>) => new Set([...a].filter((x) => b.has(x)));

const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;

describe('archives against the engine', () => {
  it('round trip: putArchive(directory) then getArchive().extractTo() gives the same tree', async () => {
    const local = join(scratch, 'local');
    const tree = join(local, 'tree');
    await mkdir(join(tree, 'nested', 'deep'), { recursive: true });
    await mkdir(join(tree, 'nested', 'empty-dir'));
    await writeFile(join(tree, 'a.txt'), 'alpha\n');
    await writeFile(join(tree, 'nested', 'deep', 'b.txt'), 'bravo\n'.repeat(1000));
    await writeFile(join(tree, 'empty'), '');
    await writeFile(join(tree, 'run.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(tree, 'run.sh'), 0o755);
    await symlink('nested/deep/b.txt', join(tree, 'link'));

    await c.putArchive('/tmp', local);

    const out = join(scratch, 'out');
    const archive = c.getArchive('/tmp/tree');
    const stat = await archive.stat();
    expect(stat.name).toBe('tree');
    expect(stat.mode & GO_MODE_DIR).not.toBe(0);
    await archive.extractTo(out);

    const expected = await treeOf(local);
    expect(await treeOf(out)).toEqual(expected);
    expect(expected['tree/empty']).toEqual({ type: 'file', mode: 0o644, content: '' });
    expect(expected['tree/link']).toEqual({ type: 'symlink', target: 'nested/deep/b.txt' });
  });

  it('for await yields the raw tar bytes', async () => {
    await c.putArchive('/tmp', await tarOf([{ header: { name: 'raw.txt', mode: 0o600 }, content: 'raw bytes' }]));
    const names: string[] = [];
    const extract = tar.extract();
    const reading = (async () => {
      for await (const entry of extract) {
        names.push(entry.header.name);
        entry.resume();
      }
    })();
    for await (const bytes of c.getArchive('/tmp/raw.txt')) extract.write(bytes);
    extract.end(undefined);
    await reading;
    expect(names).toEqual(['raw.txt']);
  });

  it('statPath: a file, a symlink, and a missing path (NotFoundError naming it)', async () => {
    await c.putArchive(
      '/tmp',
      await tarOf([
        { header: { name: 'stat-me.txt', mode: 0o640 }, content: '12345' },
        { header: { name: 'stat-link', type: 'symlink', linkname: 'stat-me.txt' } },
      ]),
    );
    const file = await c.statPath('/tmp/stat-me.txt');
    expect(file).toMatchObject({ name: 'stat-me.txt', size: 5, linkTarget: '' });
    expect(file.mode & 0o777).toBe(0o640);
    expect(Number.isNaN(Date.parse(file.mtime))).toBe(false);
    const link = await c.statPath('/tmp/stat-link');
    expect(link.mode & GO_MODE_SYMLINK).not.toBe(0);
    expect(link.linkTarget).toBe('/tmp/stat-me.txt');

    const missing = c.statPath('/tmp/does-not-exist');
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    await expect(missing).rejects.toThrow(`No such container:path: ${c.id}:/tmp/does-not-exist`);
    await expect(docker.containers.get('dockyard-no-such-container').statPath('/tmp')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('putArchive of tar bytes, of an AsyncIterable and of a Node stream', async () => {
    const bytes = await tarOf([{ header: { name: 'from-bytes.txt' }, content: 'b' }]);
    await c.putArchive('/tmp', bytes);
    async function* pieces() {
      const data = await tarOf([{ header: { name: 'from-iterable.txt' }, content: 'i' }]);
      for (let i = 0; i < data.length; i += 700) yield data.subarray(i, i + 700);
    }
    await c.putArchive('/tmp', pieces());
    const { Readable } = await import('node:stream');
    await c.putArchive('/tmp', Readable.from([await tarOf([{ header: { name: 'from-readable.txt' }, content: 'r' }])]));
    for (const name of ['from-bytes.txt', 'from-iterable.txt', 'from-readable.txt']) {
      expect((await c.statPath(`/tmp/${name}`)).size).toBe(1);
    }
  });

  it('putArchive of a string that is not a directory throws ArchiveSourceError', async () => {
    const file = join(scratch, 'plain-file');
    await writeFile(file, 'x');
    await expect(c.putArchive('/tmp', file)).rejects.toBeInstanceOf(ArchiveSourceError);
    await expect(c.putArchive('/tmp', join(scratch, 'missing-dir'))).rejects.toThrow(/missing-dir/);
  });

  it('noOverwriteDirNonDir: replacing a directory with a file is the engine error', async () => {
    await c.putArchive('/tmp', await tarOf([{ header: { name: 'a-dir', type: 'directory', mode: 0o755 } }]));
    const clash = await tarOf([{ header: { name: 'a-dir' }, content: 'not a dir' }]);
    const err = await c.putArchive('/tmp', clash, { noOverwriteDirNonDir: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServerError);
    expect((err as DockerError).message).toContain('cannot overwrite directory');
    expect((await c.statPath('/tmp/a-dir')).mode & GO_MODE_DIR).not.toBe(0);
    await expect(c.putArchive('/does-not-exist', clash)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('getArchive of a missing path returns at once and throws NotFoundError on the first read', async () => {
    const stream = c.getArchive('/tmp/nothing-here');
    const it = stream[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.getArchive('/tmp/nothing-here').extractTo(join(scratch, 'never'))).rejects.toThrow(/nothing-here/);
  });

  it('extractTo refuses an archive with an absolute-path symlink, and closes the connection', async () => {
    await c.putArchive(
      '/tmp',
      await tarOf([
        { header: { name: 'evil', type: 'directory', mode: 0o755 } },
        { header: { name: 'evil/etc', type: 'symlink', linkname: '/etc' } },
        { header: { name: 'evil/zz-big' }, content: randomBytes(1 << 20) },
      ]),
    );
    // Pinned: no ping, so the archive request opens a socket of its own that can be told apart.
    const own = new Docker({ apiVersion: '1.41' });
    try {
      const out = join(scratch, 'evil-out');
      const stream = own.containers.get(c.id).getArchive('/tmp/evil');
      const before = socketInodes();
      expect((await stream.stat()).name).toBe('evil'); // starts the request, reads no body
      const opened = difference(socketInodes(), before);
      expect(opened.size).toBeGreaterThan(0);
      const err = await stream.extractTo(out).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ArchiveEntryError);
      expect((err as ArchiveEntryError).entry).toBe('evil/etc');
      expect((err as Error).message).toContain('/etc');
      expect(stream.signal.aborted).toBe(true);
      await expect(lstat(join(out, 'evil', 'etc'))).rejects.toThrow();
      // A destroyed socket's fd is released on a later turn of the event loop.
      await new Promise((r) => setTimeout(r, 50));
      expect(intersection(opened, socketInodes())).toEqual(new Set());
    } finally {
      await own.close();
    }
  });

  it('break out of a getArchive loop closes the socket', async () => {
    await c.putArchive('/tmp', await tarOf([{ header: { name: 'big.bin' }, content: randomBytes(4 << 20) }]));
    const own = new Docker({ apiVersion: '1.41' });
    try {
      const before = socketInodes();
      let opened = new Set<string>();
      for await (const _ of own.containers.get(c.id).getArchive('/tmp/big.bin')) {
        opened = difference(socketInodes(), before);
        break;
      }
      expect(opened.size).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(intersection(opened, socketInodes())).toEqual(new Set());
    } finally {
      await own.close();
    }
  });
});
