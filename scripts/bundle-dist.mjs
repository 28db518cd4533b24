#!/usr/bin/env node
// Run after `tsc` in a package: folds the package's own compiled modules (dist/*.js) into one
// file, written over dist/index.js. Dependencies (other packages, undici, tar-*) stay imports,
// so each package is still loaded once and `instanceof` holds across packages. Why: Node's ESM
// loader pays for every module it resolves, reads and links; dockyard is ~90 small modules,
// which made `import('dockyard')` cost ~40% more CPU than `import('undici')` (bench/import).
// The other dist files stay beside it for their .d.ts; nothing imports them at run time.
import { buildSync } from 'esbuild';

buildSync({
  entryPoints: ['dist/index.js'],
  outfile: 'dist/index.js',
  allowOverwrite: true,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Class names are part of the API (error names, handles); never let a rename touch them.
  keepNames: true,
  logLevel: 'warning',
});
