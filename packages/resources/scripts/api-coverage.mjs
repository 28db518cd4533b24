#!/usr/bin/env node
// How much of the Engine API dockyard covers, measured from the repo itself: every operation
// of the specs (v1.41, the test engine; v1.55, the newest) against the request table tests,
// where each row names the operation it sends, quoted: a row's `op: 'ContainerList'`, or a
// `// 'SystemPing'` comment on a test that is no row (CONTRIBUTING.md). Prints covered/total per tag for both versions; exits 1 when an
// operation of 1.41 has no row (except those in LEFT below), or when a comment names an
// operation neither spec has.
//
//   npm run api:coverage
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SPECS = fileURLToPath(new URL('../../../../shared/engine-api/', import.meta.url));
const VERSIONS = ['1.41', '1.55'];

// Operations deliberately without a method, and why.
const LEFT = {
  Session:
    "POST /session is BuildKit's interactive gRPC channel (an HTTP/2 upgrade the engine's BuildKit drives: file sync, secrets, SSH for `docker buildx`); it is not a call an SDK makes on its own, and dockyard builds with the classic builder",
};

function operations(version) {
  const file = join(SPECS, `v${version}.yaml`);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`api:coverage needs the Engine API specs at ${SPECS} (shared/ beside the repo): ${err.message}`);
    process.exit(1);
  }
  const spec = parse(text);
  const out = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!op?.operationId) continue;
      out.push({ id: op.operationId, method: method.toUpperCase(), path, tag: op.tags?.[0] ?? 'Other' });
    }
  }
  return out;
}

/**
 * The operationIds the request tests name, quoted (`'ContainerList'`: a row's `op` field, or a
 * `// 'SystemPing'` comment on a test that is no row), in every packages/<pkg>/test/requests/*.test.ts:
 * id → files. Only names of `known` operations count; `op:` fields naming none are returned apart.
 */
function coveredOperations(known) {
  const covered = new Map();
  const unknown = new Map();
  const packages = join(REPO, 'packages');
  for (const pkg of readdirSync(packages)) {
    const dir = join(packages, pkg, 'test', 'requests');
    let files;
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.test.ts'));
    } catch {
      continue;
    }
    for (const f of files) {
      const file = relative(REPO, join(dir, f));
      const text = readFileSync(join(dir, f), 'utf8');
      const add = (map, id) => {
        if (!map.has(id)) map.set(id, new Set());
        map.get(id).add(file);
      };
      for (const m of text.matchAll(/['"]([A-Z][A-Za-z0-9_]+)['"]/g)) if (known.has(m[1])) add(covered, m[1]);
      for (const m of text.matchAll(/\bop:\s*['"]([A-Za-z0-9_]+)['"]/g)) if (!known.has(m[1])) add(unknown, m[1]);
    }
  }
  return { covered, unknown };
}

const byVersion = Object.fromEntries(VERSIONS.map((v) => [v, operations(v)]));
const known = new Set(VERSIONS.flatMap((v) => byVersion[v].map((o) => o.id)));
const { covered, unknown: unknownOps } = coveredOperations(known);
const tags = [...new Set(VERSIONS.flatMap((v) => byVersion[v].map((o) => o.tag)))].sort();

const pad = (s, n) => String(s).padEnd(n);
console.log("Engine API operations with a request table row ('<OperationId>' named in packages/*/test/requests/*.test.ts)\n");
console.log(`${pad('tag', 14)}${VERSIONS.map((v) => pad(v, 10)).join('')}`);
for (const tag of tags) {
  const cells = VERSIONS.map((v) => {
    const ops = byVersion[v].filter((o) => o.tag === tag);
    return pad(ops.length ? `${ops.filter((o) => covered.has(o.id)).length}/${ops.length}` : '-', 10);
  });
  console.log(`${pad(tag, 14)}${cells.join('')}`);
}
const totals = VERSIONS.map((v) => {
  const ops = byVersion[v];
  const n = ops.filter((o) => covered.has(o.id)).length;
  return pad(`${n}/${ops.length}`, 10);
});
console.log(`${pad('total', 14)}${totals.join('')}`);
for (const v of VERSIONS) {
  const ops = byVersion[v];
  const n = ops.filter((o) => covered.has(o.id)).length;
  console.log(`API ${v}: ${n} of ${ops.length} operations (${Math.round((100 * n) / ops.length)}%)`);
}

let failed = false;
const listed = new Set();
for (const v of VERSIONS) {
  const missing = byVersion[v].filter((o) => !covered.has(o.id));
  const gaps = missing.filter((o) => !LEFT[o.id] && !listed.has(o.id));
  if (gaps.length) {
    console.log(`\nNo method (no request row)${v === VERSIONS[0] ? '' : ' (also)'} in ${v}:`);
    for (const o of gaps) console.log(`  ${o.id}  ${o.method} ${o.path}`);
    if (v === '1.41') failed = true;
  }
  for (const o of gaps) listed.add(o.id);
}
for (const o of byVersion[VERSIONS[0]].filter((o) => LEFT[o.id] && !covered.has(o.id))) {
  console.log(`\nLeft deliberately: ${o.id} (${o.method} ${o.path}): ${LEFT[o.id]}.`);
}
if (unknownOps.size) {
  console.log(`\n\`op:\` names of no operation of either spec: ${[...unknownOps].map(([id, files]) => `${id} (${[...files].join(', ')})`).join('; ')}`);
  failed = true;
}
if (failed) {
  console.log('\napi:coverage FAILED: every operation of API 1.41 needs a method and a request table row.');
  process.exit(1);
}
