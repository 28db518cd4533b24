#!/usr/bin/env node
// Build-context packing of a 20 000-file tree: dockyard's packContext against dockerode's own
// context preparation (util.prepareBuildContext: tar-fs 2 + @balena/dockerignore, then gzip,
// exactly what docker.buildImage({ context, src }) sends), and the same tar-fs pack without the
// gzip step, to show what the compression costs. Each run is its own child process, so its peak
// RSS (process.resourceUsage().maxRSS) is its own; variants alternate round by round
// (A B C C B A ...) so drift on a shared machine hits them alike. Nothing talks to the engine.
//
//   node bench/build/run.mjs [--files 20000] [--rounds 4]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '4' },
    child: { type: 'string' },
    dir: { type: 'string' },
  },
});

// The packers, as each client packs a directory context. `load` runs before the clock starts
// (module loading is in the peak RSS of every variant alike, not in the time).
const variants = {
  dockyard: {
    load: async () => (await import('dockyard')).packContext,
    pack: (packContext, dir) => count(packContext(dir)),
  },
  'dockerode (tar-fs + gzip)': {
    load: async () => require('dockerode/lib/util.js').prepareBuildContext,
    pack: async (prepareBuildContext, dir) =>
      count(await new Promise((resolve) => prepareBuildContext({ context: dir, src: readdirSync(dir) }, resolve))),
  },
  'dockerode, no gzip': {
    // prepareBuildContext's own steps (dockerode's tar-fs and @balena/dockerignore), minus zlib.
    load: async () => ({
      tar: require(require.resolve('tar-fs', { paths: [require.resolve('dockerode')] })),
      DockerIgnore: require(require.resolve('@balena/dockerignore', { paths: [require.resolve('dockerode')] })),
    }),
    pack: ({ tar, DockerIgnore }, dir) => {
      const filter = DockerIgnore({ ignorecase: false }).add(readFileSync(join(dir, '.dockerignore'), 'utf8')).createFilter();
      return count(tar.pack(dir, { entries: readdirSync(dir).filter(filter), ignore: (path) => !filter(path) }));
    },
  },
};

async function count(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes;
}

if (values.child) {
  const variant = variants[values.child];
  const loaded = await variant.load();
  const start = process.hrtime.bigint();
  const bytes = await variant.pack(loaded, values.dir);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ ms, bytes, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}

// A tree of FILES small files: 20 top directories, 10 subdirectories each, the rest spread evenly.
const FILES = Number(values.files);
const root = mkdtempSync(join(tmpdir(), 'dockyard-bench-build-'));
try {
  writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
  writeFileSync(join(root, '.dockerignore'), '# a rule that matches nothing, so that both walk everything\n*.nomatch\n');
  const perDir = Math.ceil(FILES / 200);
  let made = 0;
  for (let a = 0; a < 20 && made < FILES; a++) {
    for (let b = 0; b < 10 && made < FILES; b++) {
      const dir = join(root, `pkg${a}`, `mod${b}`);
      mkdirSync(dir, { recursive: true });
      for (let c = 0; c < perDir && made < FILES; c++, made++) {
        writeFileSync(join(dir, `file${c}.js`), `// file ${a}/${b}/${c}\nexport const value = ${made};\n`.repeat(2));
      }
    }
  }

  const names = Object.keys(variants);
  const results = Object.fromEntries(names.map((n) => [n, []]));
  const rounds = Number(values.rounds);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', name, '--dir', root], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
      results[name].push(JSON.parse(child.stdout));
    }
  }

  const median = (xs) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const base = { ms: median(results.dockyard.map((x) => x.ms)), rss: median(results.dockyard.map((x) => x.maxRssKiB)) };
  console.log(`build context packing, ${made} files + Dockerfile + .dockerignore, ${rounds} rounds, one child process per run (node ${process.version})\n`);
  console.log('| packer | time (median ms) | time vs dockyard | peak RSS (median MiB) | RSS vs dockyard | bytes out |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const name of names) {
    const ms = median(results[name].map((x) => x.ms));
    const rss = median(results[name].map((x) => x.maxRssKiB));
    const bytes = results[name][0].bytes;
    console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms / base.ms).toFixed(2)}× | ${(rss / 1024).toFixed(1)} | ${(rss / base.rss).toFixed(2)}× | ${bytes} |`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
