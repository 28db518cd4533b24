import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerignoreMatcher } from '../src/build/dockerignore.js';
import { BuildContextError, packContext } from '../src/build/pack-context.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockyard-pack-'));
  temps.push(dir);
  return dir;
}

/** Writes files (path → content); a content starting with `->` makes a symlink to the rest. */
function tree(files: Record<string, string | Buffer>): string {
  const root = tempDir();
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof content === 'string' && content.startsWith('->')) symlinkSync(content.slice(2), full);
    else writeFileSync(full, content);
  }
  return root;
}

interface Entry {
  name: string;
  type: string;
  linkname: string | null;
  uid: number;
  body: Buffer;
}

async function unpack(source: AsyncIterable<Uint8Array>): Promise<Map<string, Entry>> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  const extract = tar.extract();
  const entries = new Map<string, Entry>();
  const done = (async () => {
    for await (const entry of extract) {
      const parts: Buffer[] = [];
      for await (const part of entry) parts.push(part as Buffer);
      const h = entry.header;
      entries.set(h.name.replace(/\/$/, ''), { name: h.name, type: h.type, linkname: h.linkname ?? null, uid: h.uid, body: Buffer.concat(parts) });
    }
  })();
  extract.end(Buffer.concat(chunks));
  await done;
  return entries;
}

describe('packContext', () => {
  it('sends what .dockerignore leaves in, always the Dockerfile and .dockerignore, links as links', async () => {
    const root = tree({
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'big\n*.log\n!keep.log\nDockerfile\n.dockerignore\nsub/inner\n!sub/inner/wanted.txt\n',
      'a.txt': 'hello',
      'x.log': 'ignored',
      'keep.log': 'kept',
      'big/file.bin': Buffer.alloc(4096, 1),
      'big/deeper/more.bin': 'x',
      'sub/inner/unwanted.txt': 'no',
      'sub/inner/wanted.txt': 'yes',
      'sub/other.txt': 'other',
      'outside-link': '->/etc/passwd',
      'up-link': '->..',
    });
    const entries = await unpack(packContext(root));
    expect([...entries.keys()].sort()).toEqual(
      ['.dockerignore', 'Dockerfile', 'a.txt', 'keep.log', 'outside-link', 'sub', 'sub/inner/wanted.txt', 'sub/other.txt', 'up-link'].sort(),
    );
    expect(entries.get('a.txt')?.body.toString()).toBe('hello');
    expect(entries.get('sub/inner/wanted.txt')?.body.toString()).toBe('yes');
    expect(entries.get('sub')?.type).toBe('directory');
    expect(entries.get('outside-link')).toMatchObject({ type: 'symlink', linkname: '/etc/passwd' });
    expect(entries.get('outside-link')?.body.length).toBe(0);
    expect(entries.get('up-link')).toMatchObject({ type: 'symlink', linkname: '..' });
    for (const entry of entries.values()) expect(entry.uid).toBe(0);
  });

  it('keeps a Dockerfile named by `dockerfile` even inside an ignored directory', async () => {
    const root = tree({ '.dockerignore': 'build\n', 'build/Dockerfile': 'FROM scratch\n', 'build/other': 'x', 'app.txt': 'a' });
    const entries = await unpack(packContext(root, { dockerfile: './build/Dockerfile' }));
    expect([...entries.keys()].sort()).toEqual(['.dockerignore', 'app.txt', 'build/Dockerfile']);
  });

  it('streams a file larger than one read chunk intact', async () => {
    const big = Buffer.alloc(2.5 * (1 << 20));
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    const root = tree({ Dockerfile: 'FROM scratch\n', 'data.bin': big });
    const entries = await unpack(packContext(root));
    expect(entries.get('data.bin')?.body.equals(big)).toBe(true);
  });

  it('refuses a Dockerfile path outside the context, a missing directory and an outside .dockerignore link', async () => {
    const root = tree({ Dockerfile: 'FROM scratch\n' });
    await expect(unpack(packContext(root, { dockerfile: '../Dockerfile' }))).rejects.toThrow(BuildContextError);
    await expect(unpack(packContext(root, { dockerfile: '/etc/Dockerfile' }))).rejects.toThrow(BuildContextError);
    await expect(unpack(packContext(join(root, 'missing')))).rejects.toThrow(BuildContextError);
    const outside = tree({ '.dockerignore': 'a\n' });
    const linked = tree({ Dockerfile: 'FROM scratch\n', '.dockerignore': `->${join(outside, '.dockerignore')}` });
    await expect(unpack(packContext(linked))).rejects.toThrow(/outside the context/);
  });

  it('reads nothing before the first next(), and closes its file when the consumer stops early', async () => {
    const root = tree({ Dockerfile: 'FROM scratch\n', 'a.bin': Buffer.alloc(3 << 20, 2), 'b.bin': Buffer.alloc(3 << 20, 3) });
    const openFiles = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(root);
      } catch {
        return false;
      }
    }).length;
    const packing = packContext(root);
    expect(openFiles()).toBe(0);
    const first = await packing.next();
    expect(first.done).toBe(false);
    await packing.return();
    await new Promise((r) => setTimeout(r, 50));
    expect(openFiles()).toBe(0);
  });

  it('an aborted signal stops the packing with an error', async () => {
    const root = tree({ Dockerfile: 'FROM scratch\n' });
    const controller = new AbortController();
    controller.abort();
    await expect(unpack(packContext(root, { signal: controller.signal }))).rejects.toThrow(/aborted/);
  });

  it('sends exactly the paths the matcher keeps, for random trees and patterns', async () => {
    const name = fc.constantFrom('a', 'b', 'c.log', 'd.txt', 'keep');
    const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
    const pattern = fc.oneof(path, fc.constantFrom('*.log', '**/*.txt', 'a', 'a/**', '!a/keep', '!**/keep', '!c.log', '*', '!b'));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(path, { minLength: 1, maxLength: 8 }), fc.array(pattern, { maxLength: 5 }), async (paths, patterns) => {
        // A file may not also be a directory: keep the paths that are not a prefix of another.
        const files = paths.filter((p) => !paths.some((q) => q.startsWith(`${p}/`)));
        const root = tree(Object.fromEntries([...files.map((f) => [f, f]), ['Dockerfile', 'FROM scratch\n'], ['.dockerignore', patterns.join('\n')]]));
        const sent = await unpack(packContext(root));
        const matcher = new DockerignoreMatcher([...patterns, '!.dockerignore', '!Dockerfile']);
        const all = new Set<string>(['Dockerfile', '.dockerignore']);
        for (const f of files) {
          const parts = f.split('/');
          for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
        }
        const expected = [...all].filter((p) => !matcher.excludes(p)).sort();
        expect([...sent.keys()].sort()).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
