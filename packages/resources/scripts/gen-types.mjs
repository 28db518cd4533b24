#!/usr/bin/env node
// Generates TypeScript types from the Engine API's Swagger 2.0 spec: every definition, and
// for every operation its query parameters (`<OperationId>Query`), its JSON body
// (`<OperationId>Body`) and its success response (`<OperationId>Response`, unless the spec
// already has a definition of that name). Enums stay open, `x-nullable` adds `| null`.
//
//   node packages/resources/scripts/gen-types.mjs           write src/generated/engine-api.ts
//   node packages/resources/scripts/gen-types.mjs --check   exit 1 when the file is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const SPEC = fileURLToPath(new URL('../../../../shared/engine-api/v1.55.yaml', import.meta.url));
const OUT = fileURLToPath(new URL('../src/generated/engine-api.ts', import.meta.url));

let specText;
try {
  specText = readFileSync(SPEC, 'utf8');
} catch (err) {
  console.error(`gen:types needs the Engine API spec at ${SPEC} (shared/ beside the repo): ${err.message}`);
  process.exit(1);
}
const spec = parse(specText);
const definitions = spec.definitions ?? {};

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const propName = (name) => (IDENT.test(name) ? name : JSON.stringify(name));
const indent = (text, pad) => text.split('\n').map((l) => (l ? pad + l : l)).join('\n');

/** A TSDoc block from a spec description (and example), or '' when there is none. */
function doc(schema, pad = '') {
  const lines = [];
  const text = (schema.description ?? schema.title ?? '').trim();
  if (text) lines.push(...text.split('\n').map((l) => l.trimEnd()));
  if (schema.deprecated || /\bdeprecated\b/i.test(text.split('\n')[0] ?? '')) {
    if (schema.deprecated) lines.push('', '@deprecated');
  }
  if (lines.length === 0) return '';
  const body = lines.map((l) => (l ? ` * ${l.replaceAll('*/', '*\\/')}` : ' *')).join('\n');
  return indent(`/**\n${body}\n */`, pad) + '\n';
}

const literal = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** The TypeScript type of a schema, inline. */
function typeOf(schema, pad = '') {
  if (!schema || typeof schema !== 'object') return 'unknown';
  const nullable = schema['x-nullable'] === true ? ' | null' : '';
  return `${baseType(schema, pad)}${nullable}`;
}

function baseType(schema, pad) {
  if (schema.$ref) return schema.$ref.replace('#/definitions/', '');
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => typeOf(s, pad));
    if (schema.properties) parts.push(objectType(schema, pad));
    return parts.length === 1 ? parts[0] : parts.map((p) => (p.includes(' | ') ? `(${p})` : p)).join(' & ');
  }
  if (schema.enum?.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
    const values = schema.enum.filter((v) => v !== null && v !== '').map(literal);
    const open = schema.type === 'integer' || schema.type === 'number' ? '(number & {})' : '(string & {})';
    if (schema.enum.includes('')) values.push('""');
    return values.length ? [...new Set(values), open].join(' | ') : open.slice(1, -6);
  }
  switch (schema.type) {
    case 'string':
      return schema.format === 'binary' ? 'Uint8Array' : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'file':
      return 'Uint8Array';
    case 'array': {
      const item = typeOf(schema.items ?? {}, pad);
      return /^[A-Za-z0-9_.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
    case undefined:
      if (schema.properties || schema.additionalProperties !== undefined || schema.type === 'object') return objectType(schema, pad);
      return 'unknown';
    default:
      return 'unknown';
  }
}

/** An object literal type from `properties` and `additionalProperties`. */
function objectType(schema, pad) {
  const required = new Set(schema.required ?? []);
  const props = Object.entries(schema.properties ?? {});
  const extra = schema.additionalProperties;
  const members = props.map(([name, prop]) => {
    const optional = required.has(name) ? '' : '?';
    return `${doc(prop, pad + '  ')}${pad}  ${propName(name)}${optional}: ${typeOf(prop, pad + '  ')};`;
  });
  if (extra !== undefined && extra !== false) {
    const valueType = extra === true || Object.keys(extra).length === 0 ? 'unknown' : typeOf(extra, pad + '  ');
    if (members.length === 0) return `Record<string, ${valueType}>`;
    members.push(`${pad}  [key: string]: ${valueType} | undefined;`);
  }
  if (members.length === 0) return 'Record<string, unknown>';
  return `{\n${members.join('\n')}\n${pad}}`;
}

function declare(name, schema, description = schema) {
  const type = typeOf(schema);
  const comment = doc(description);
  const isObject = type.startsWith('{') && !schema['x-nullable'];
  return isObject ? `${comment}export interface ${name} ${type}\n` : `${comment}export type ${name} = ${type};\n`;
}

const out = [
  '// Generated by packages/resources/scripts/gen-types.mjs from shared/engine-api/v1.55.yaml.',
  '// Do not edit by hand: run `npm run gen:types`. CI fails when this file is out of date.',
  '/* eslint-disable */',
  '',
  '// ---- Definitions ----',
  '',
];
for (const name of Object.keys(definitions).sort()) out.push(declare(name, definitions[name]));

out.push('// ---- Operations: query parameters, bodies and responses ----', '');
const operations = [];
for (const [path, item] of Object.entries(spec.paths ?? {})) {
  for (const [method, op] of Object.entries(item)) {
    if (method === 'parameters' || !op.operationId) continue;
    operations.push({ path, method: method.toUpperCase(), op });
  }
}
operations.sort((a, b) => a.op.operationId.localeCompare(b.op.operationId));
for (const { path, method, op } of operations) {
  const id = op.operationId;
  const params = [...(spec.paths[path].parameters ?? []), ...(op.parameters ?? [])];
  const query = params.filter((p) => p.in === 'query');
  if (query.length) {
    const schema = { type: 'object', properties: {}, required: [] };
    for (const p of query) {
      const { name, in: _in, required, ...rest } = p;
      schema.properties[name] = rest;
      if (required) schema.required.push(name);
    }
    out.push(declare(`${id}Query`, schema, { description: `Query parameters of \`${method} ${path}\` (${id}).` }));
  }
  const body = params.find((p) => p.in === 'body');
  if (body?.schema && !definitions[`${id}Body`]) {
    out.push(declare(`${id}Body`, body.schema, { description: `Request body of \`${method} ${path}\` (${id}).` }));
  }
  const ok = Object.entries(op.responses ?? {}).find(([code, r]) => /^2/.test(code) && r.schema);
  if (ok && !definitions[`${id}Response`]) {
    out.push(declare(`${id}Response`, ok[1].schema, { description: `Response (${ok[0]}) of \`${method} ${path}\` (${id}).` }));
  }
}

const text = out.join('\n');
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('src/generated/engine-api.ts is out of date with shared/engine-api/v1.55.yaml: run `npm run gen:types` and commit it.');
    process.exit(1);
  }
  console.log(`generated types up to date (${Object.keys(definitions).length} definitions, ${operations.length} operations)`);
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT} (${Object.keys(definitions).length} definitions, ${operations.length} operations)`);
}
