#!/usr/bin/env node
// Run after `tsc` in a package: folds the package's own compiled modules (dist/*.js) into one
// file, written over dist/index.js. Dependencies (other packages, undici, tar-*) stay imports,
// so each package is still loaded once and `instanceof` holds across packages. Why: Node's ESM
// loader pays for every module it resolves, reads and links; dockyard is ~90 small modules,
// which made `import('dockyard')` cost ~40% more CPU than `import('undici')` (bench/import).
// The other dist files stay beside it for their .d.ts; nothing imports them at run time.
// `--inline <package>` folds that dependency in too (the package's own copy): @dockyard/ship
// inlines @msgpack/msgpack, whose ~20 ES modules cost 5 MiB of RSS to load, one file ~0.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** Names of the classes declared in compiled JavaScript (`class X` or `var X = class`, at a line start). */
const classNames = (code) =>
  new Set([...code.matchAll(/^\s*(?:export\s+)?(?:(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)|(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*class\b)/gm)].map((m) => m[1] ?? m[2]));

const inline = process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--inline' ? [arg] : []));
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const dependencies = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies });
for (const name of inline) if (!dependencies.includes(name)) throw new Error(`bundle-dist: --inline ${name} is not a dependency of ${manifest.name}`);
// Everything else stays an import: dependencies by name (and their subpaths), node builtins by the platform.
const external = dependencies.filter((name) => !inline.includes(name)).flatMap((name) => [name, `${name}/*`]);

const compiled = new Set();
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.js')) for (const name of classNames(readFileSync(path, 'utf8'))) compiled.add(name);
  }
};
walk('dist');

buildSync({
  entryPoints: ['dist/index.js'],
  outfile: 'dist/index.js',
  allowOverwrite: true,
  bundle: true,
  ...(inline.length === 0 ? { packages: 'external' } : { external }),
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // No `keepNames`: it wraps every function, each closure made per call included, in a
  // `__name()` call that redefines its `name`, which made every promise callback of a
  // followed stream heavier and ~5x the garbage promoted to the old generation (a thousand
  // followed logs: 140+ MiB instead of ~90). esbuild renames only on a collision; the check
  // below makes sure no class was (class names are API: errors, handles).
  logLevel: 'warning',
});

const bundled = classNames(readFileSync('dist/index.js', 'utf8'));
const renamed = [...compiled].filter((name) => !bundled.has(name));
if (renamed.length > 0) {
  console.error(`bundle-dist: classes renamed by the bundler (a name collision between modules): ${renamed.join(', ')}`);
  process.exit(1);
}
