import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamError } from '@dockyard/stream';
import { AbortError, DockerError, type TransportResponse } from '@dockyard/transport';
import { ArchiveStream } from '../src/archive/archive-stream.js';
import { ArchiveEntryError } from '../src/archive/errors.js';
import { extractTar } from '../src/archive/extract-to.js';
import { decodePathStat } from '../src/archive/path-stat.js';

type Header = Parameters<tar.Pack['entry']>[0];
interface Item {
  header: Header;
  content?: string;
}

const scratch = await mkdtemp(join(tmpdir(), 'dockyard-extract-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));
let counter = 0;

/** A fresh directory `out` to extract into, inside a fresh `box` that must stay untouched. */
async function sandbox(): Promise<{ box: string; out: string }> {
  const box = join(scratch, `box-${counter++}`);
  const out = join(box, 'out');
  await mkdir(out, { recursive: true });
  return { box, out };
}

/** A tar made by tar-stream from the given headers and contents. */
async function tarOf(items: Item[]): Promise<Buffer> {
  const pack = tar.pack();
  // Read while packing: a pack that nobody reads stops taking entries.
  const parts: Buffer[] = [];
  const read = (async () => {
    for await (const part of pack) parts.push(part as Buffer);
  })();
  for (const { header, content } of items) pack.entry(header, content ?? '');
  pack.finalize();
  await read;
  return Buffer.concat(parts);
}

/** The bytes in small pieces (entries then straddle chunks), recording how far it was read and whether it was closed. */
function chunked(bytes: Uint8Array, size = 97) {
  const state = { yielded: 0, total: Math.ceil(bytes.length / size), closed: false };
  async function* gen(): AsyncGenerator<Uint8Array> {
    try {
      for (let i = 0; i < bytes.length; i += size) {
        state.yielded++;
        yield bytes.subarray(i, i + size);
      }
    } finally {
      state.closed = true;
    }
  }
  return { source: gen(), state };
}

const file = (name: string, content: string, mode = 0o644): Item => ({ header: { name, type: 'file', mode }, content });
const dir = (name: string, mode = 0o755): Item => ({ header: { name, type: 'directory', mode } });
const sym = (name: string, linkname: string): Item => ({ header: { name, type: 'symlink', linkname } });
const hard = (name: string, linkname: string): Item => ({ header: { name, type: 'link', linkname } });

async function refusal(items: Item[], out: string): Promise<ArchiveEntryError> {
  const { source, state } = chunked(await tarOf(items));
  const err = await extractTar(source, out).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveEntryError);
  expect(err).toBeInstanceOf(DockerError);
  expect(state.closed).toBe(true);
  return err as ArchiveEntryError;
}

describe('extractTar writes what the archive holds', () => {
  it('a nested tree with files, an empty file, a relative symlink, a hard link, modes and times', async () => {
    const { out } = await sandbox();
    const mtime = new Date('2020-01-02T03:04:05Z');
    const bytes = await tarOf([
      dir('data/', 0o750),
      dir('data/sub/'),
      { header: { name: 'data/sub/deep.txt', type: 'file', mode: 0o640, mtime }, content: 'deep\n' },
      file('data/run.sh', '#!/bin/sh\n', 0o755),
      file('data/empty', ''),
      sym('data/link', 'sub/deep.txt'),
      sym('data/sub/up', '../run.sh'),
      hard('data/hard', 'data/run.sh'),
      file('loose/parent/missing.txt', 'made its parents'),
    ]);
    await extractTar(chunked(bytes).source, out);
    expect(await readFile(join(out, 'data/sub/deep.txt'), 'utf8')).toBe('deep\n');
    expect(await readFile(join(out, 'data/empty'), 'utf8')).toBe('');
    expect(await readlink(join(out, 'data/link'))).toBe('sub/deep.txt');
    expect(await readFile(join(out, 'data/link'), 'utf8')).toBe('deep\n');
    expect(await readlink(join(out, 'data/sub/up'))).toBe('../run.sh');
    expect((await stat(join(out, 'data/hard'))).ino).toBe((await stat(join(out, 'data/run.sh'))).ino);
    expect((await stat(join(out, 'data/run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(out, 'data/sub/deep.txt'))).mode & 0o777).toBe(0o640);
    expect((await stat(join(out, 'data/sub/deep.txt'))).mtime.getTime()).toBe(mtime.getTime());
    expect((await stat(join(out, 'data'))).mode & 0o777).toBe(0o750);
    expect(await readFile(join(out, 'loose/parent/missing.txt'), 'utf8')).toBe('made its parents');
  });

  it('creates the target directory, skips `./`, and drops setuid bits', async () => {
    const { out } = await sandbox();
    const target = join(out, 'new', 'dir');
    await extractTar(chunked(await tarOf([dir('./'), file('./suid', 'x', 0o4755)])).source, target);
    expect((await stat(join(target, 'suid'))).mode & 0o7777).toBe(0o755);
  });

  it('a later entry replaces an earlier file or symlink without following the symlink', async () => {
    const { out } = await sandbox();
    await extractTar(
      chunked(await tarOf([file('target.txt', 'keep'), sym('f', 'target.txt'), file('f', 'new'), file('g', 'old'), file('g', 'newer')])).source,
      out,
    );
    expect(await readFile(join(out, 'target.txt'), 'utf8')).toBe('keep');
    expect((await lstat(join(out, 'f'))).isFile()).toBe(true);
    expect(await readFile(join(out, 'f'), 'utf8')).toBe('new');
    expect(await readFile(join(out, 'g'), 'utf8')).toBe('newer');
  });

  it('writes through a symlinked directory that stays inside', async () => {
    const { out } = await sandbox();
    await extractTar(chunked(await tarOf([dir('real/'), sym('alias', 'real'), file('alias/f', 'through')])).source, out);
    expect(await readFile(join(out, 'real/f'), 'utf8')).toBe('through');
  });
});

describe('extractTar refuses entries that escape', () => {
  it('a `../evil` name, naming the entry, and writes nothing outside', async () => {
    const { box, out } = await sandbox();
    const err = await refusal([file('ok.txt', 'fine'), file('../evil', 'pwned')], out);
    expect(err.entry).toBe('../evil');
    expect(err.message).toContain('"../evil"');
    expect(err.message).toContain('..');
    expect(await readdir(box)).toEqual(['out']);
    expect(await readFile(join(out, 'ok.txt'), 'utf8')).toBe('fine');
  });

  it('`..` in the middle of a name', async () => {
    const { box, out } = await sandbox();
    const err = await refusal([file('a/../../evil', 'pwned')], out);
    expect(err.entry).toBe('a/../../evil');
    expect(await readdir(box)).toEqual(['out']);
  });

  it('an absolute name', async () => {
    const { out } = await sandbox();
    const err = await refusal([file('/abs/path', 'pwned')], out);
    expect(err.entry).toBe('/abs/path');
    expect(err.message).toContain('absolute');
    await expect(stat('/abs/path')).rejects.toThrow();
  });

  it('a symlink to an absolute path (/etc)', async () => {
    const { out } = await sandbox();
    const err = await refusal([sym('etc', '/etc'), file('etc/evil', 'pwned')], out);
    expect(err.entry).toBe('etc');
    expect(err.message).toContain('/etc');
    await expect(lstat(join(out, 'etc'))).rejects.toThrow();
  });

  it('a relative symlink that climbs out (../../x)', async () => {
    const { out } = await sandbox();
    const err = await refusal([dir('sub/'), sym('sub/x', '../../x')], out);
    expect(err.entry).toBe('sub/x');
    expect(err.message).toContain('../../x');
    await expect(lstat(join(out, 'sub/x'))).rejects.toThrow();
  });

  it('a symlink that climbs out through an earlier symlink', async () => {
    const { out } = await sandbox();
    const err = await refusal([sym('self', '.'), sym('t', 'self/self/..')], out);
    expect(err.entry).toBe('t');
  });

  it('a symlink that only leads out once a later entry exists, and the write through it', async () => {
    const { box, out } = await sandbox();
    // When `t` is made, `s` is missing and `t` looks inside; `s -> .` makes it `out/..`.
    const err = await refusal([sym('t', 's/s/s/..'), sym('s', '.'), file('t/evil', 'pwned')], out);
    expect(err.entry).toBe('t/evil');
    expect(await readdir(box)).toEqual(['out']);
    await expect(lstat(join(out, 't'))).rejects.toThrow();
  });

  it('the same link left for the end is refused and removed', async () => {
    const { out } = await sandbox();
    const err = await refusal([sym('t', 's/s/s/..'), sym('s', '.')], out);
    expect(err.entry).toBe('t');
    await expect(lstat(join(out, 't'))).rejects.toThrow();
  });

  it('a hard link to a path outside', async () => {
    const { out } = await sandbox();
    expect((await refusal([hard('h', '../outside')], out)).entry).toBe('h');
    expect((await refusal([hard('h', '/etc/passwd')], out)).message).toContain('/etc/passwd');
  });

  it('a hard link to a symlink that leads out from the new place', async () => {
    const { out } = await sandbox();
    const err = await refusal([dir('a/'), dir('a/b/'), file('x', 'x'), sym('a/b/l', '../../x'), hard('h', 'a/b/l')], out);
    expect(err.entry).toBe('h');
    expect((await lstat(join(out, 'a/b/l'))).isSymbolicLink()).toBe(true);
  });

  it('a file written through a symlink that was already in the target directory and leads out', async () => {
    const { box, out } = await sandbox();
    await mkdir(join(box, 'elsewhere'));
    await symlink(join(box, 'elsewhere'), join(out, 'esc'));
    const err = await refusal([file('esc/evil', 'pwned')], out);
    expect(err.entry).toBe('esc/evil');
    expect(await readdir(join(box, 'elsewhere'))).toEqual([]);
  });

  it('a file where a directory is', async () => {
    const { out } = await sandbox();
    const err = await refusal([dir('d/'), file('d/inner', 'x'), file('d', 'not a dir')], out);
    expect(err.entry).toBe('d');
    expect(await readFile(join(out, 'd/inner'), 'utf8')).toBe('x');
  });

  it('stops reading the source at the refused entry', async () => {
    const { out } = await sandbox();
    const items = [file('../evil', 'x'), ...Array.from({ length: 50 }, (_, i) => file(`f${i}`, 'y'.repeat(600)))];
    const { source, state } = chunked(await tarOf(items), 512);
    await expect(extractTar(source, out)).rejects.toBeInstanceOf(ArchiveEntryError);
    expect(state.closed).toBe(true);
    expect(state.yielded).toBeLessThan(state.total);
  });
});

describe('extractTar on broken input', () => {
  it('a truncated archive throws StreamError', async () => {
    const { out } = await sandbox();
    const bytes = await tarOf([file('big', 'z'.repeat(5000))]);
    await expect(extractTar(chunked(bytes.subarray(0, 2000)).source, out)).rejects.toBeInstanceOf(StreamError);
  });

  it('bytes that are not a tar throw StreamError', async () => {
    const { out } = await sandbox();
    await expect(extractTar(chunked(Buffer.alloc(1024, 7)).source, out)).rejects.toBeInstanceOf(StreamError);
  });

  it("a source error passes through as it is", async () => {
    const { out } = await sandbox();
    const failure = new DockerError('engine went away');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield (await tarOf([file('a', 'x'.repeat(700))])).subarray(0, 600);
      throw failure;
    }
    await expect(extractTar(failing(), out)).rejects.toBe(failure);
  });
});

/** A fake response whose body records how much of it was read. */
function fakeResponse(bytes: Uint8Array, statHeader: string | undefined) {
  const { source, state } = chunked(bytes);
  const response: TransportResponse = {
    statusCode: 200,
    headers: statHeader === undefined ? {} : { 'x-docker-container-path-stat': statHeader },
    body: { [Symbol.asyncIterator]: () => source },
    json: () => Promise.reject(new Error('not used')),
    text: () => Promise.reject(new Error('not used')),
    bytes: () => Promise.reject(new Error('not used')),
    dump: () => Promise.resolve(),
  };
  return { response, state };
}

const STAT = { name: 'data', size: 4096, mode: 2147484141, mtime: '2026-11-23T18:44:47.327337229Z', linkTarget: '' };
const encodeStat = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('ArchiveStream', () => {
  it('sends nothing until read; stat() sends once and reads none of the body', async () => {
    const { response, state } = fakeResponse(await tarOf([file('data/a', 'a')]), encodeStat(STAT));
    let sent = 0;
    const stream = new ArchiveStream(async () => {
      sent++;
      return response;
    });
    expect(sent).toBe(0);
    expect(await stream.stat()).toEqual(STAT);
    expect(await stream.stat()).toEqual(STAT);
    expect(sent).toBe(1);
    expect(state.yielded).toBe(0);
    const { out } = await sandbox();
    await stream.extractTo(out);
    expect(sent).toBe(1);
    expect(await readFile(join(out, 'data/a'), 'utf8')).toBe('a');
  });

  it('a refused entry aborts the request signal', async () => {
    const rest = Array.from({ length: 200 }, (_, i) => file(`f${i}`, 'y'.repeat(1000)));
    const { response, state } = fakeResponse(await tarOf([file('../evil', 'x'), ...rest]), encodeStat(STAT));
    let signal: AbortSignal | undefined;
    const stream = new ArchiveStream(async (s) => {
      signal = s;
      return response;
    });
    const { out } = await sandbox();
    await expect(stream.extractTo(out)).rejects.toBeInstanceOf(ArchiveEntryError);
    expect(signal?.aborted).toBe(true);
    expect(state.closed).toBe(true);
    expect(state.yielded).toBeLessThan(state.total);
  });
  it('aborting its signal mid-extraction rejects with AbortError and closes the body', async () => {
    const bytes = await tarOf([file('a', 'x'.repeat(2000)), file('b', 'y')]);
    const controller = new AbortController();
    let closed = false;
    const stream = new ArchiveStream(async (signal) => {
      async function* body(): AsyncGenerator<Uint8Array> {
        try {
          yield bytes.subarray(0, 1024);
          controller.abort();
          // The transport's body fails once its request signal fires.
          if (!signal.aborted) await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('socket destroyed')), { once: true }));
          throw new Error('socket destroyed');
        } finally {
          closed = true;
        }
      }
      return { ...fakeResponse(bytes, undefined).response, body: { [Symbol.asyncIterator]: () => body() } };
    }, { signal: controller.signal });
    const { out } = await sandbox();
    await expect(stream.extractTo(out)).rejects.toBeInstanceOf(AbortError);
    expect(closed).toBe(true);
  });
});

describe('decodePathStat', () => {
  const pathStat = fc.record({
    name: fc.string(),
    size: fc.nat(),
    mode: fc.nat({ max: 0xffffffff }),
    mtime: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    linkTarget: fc.string(),
  });

  it('decodes what the engine encodes (base64 of JSON), field for field', () => {
    fc.assert(
      fc.property(pathStat, (value) => {
        expect(decodePathStat(encodeStat(value))).toEqual(value);
      }),
    );
  });

  it('takes the first of repeated headers and a missing linkTarget as empty', () => {
    const { linkTarget: _, ...rest } = STAT;
    expect(decodePathStat([encodeStat(rest), 'ignored'])).toEqual(STAT);
  });

  it('any other header value throws DockerError, never something else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => Buffer.from(s).toString('base64')), fc.jsonValue().map(encodeStat)), (value) => {
        try {
          decodePathStat(value);
        } catch (err) {
          expect(err).toBeInstanceOf(DockerError);
        }
      }),
    );
    expect(() => decodePathStat(undefined)).toThrow(DockerError);
    expect(() => decodePathStat(encodeStat({ ...STAT, size: '1' }))).toThrow(/does not describe a path/);
  });
});
