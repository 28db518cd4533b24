import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mapping from '../src/error-mapping.js';
import * as publicSurface from '../src/index.js';

// Two installed copies of dockyard (two versions in one node_modules tree, a bundled one next
// to a shared one) have two of every error class. The second copy here is the same sources
// bundled on their own into a temp dir: its classes are other objects, as an install's are.

const sources = join(import.meta.dirname, '..', 'src');
const streamSources = join(import.meta.dirname, '..', '..', 'stream', 'src');
let dir: string;
const mine = { ...publicSurface, ...mapping };
type Copy = typeof mine;
let other: Copy;
/** @dockyard/stream's errors module (this package cannot depend on it, so both copies are bundles). */
type StreamCopy = { StreamError: (new (message: string) => Error & { code: string }) & { code: string } };
let otherStream: StreamCopy;
let mineStream: StreamCopy;

async function bundle(contents: string, resolveDir: string, name: string): Promise<string> {
  const outfile = join(dir, name);
  await build({ stdin: { contents, resolveDir, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
  return outfile;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockyard-copies-'));
  const errorsOnly = [
    "export * from './errors.ts';",
    "export * from './error-mapping.ts';",
    "export * from './hijack/protocol-errors.ts';",
    "export { UnsupportedApiVersionError } from './negotiate.ts';",
  ].join('\n');
  other = (await import(await bundle(errorsOnly, sources, 'transport-copy.mjs'))) as Copy;
  otherStream = (await import(await bundle("export * from './errors.ts';", streamSources, 'stream-copy.mjs'))) as StreamCopy;
  mineStream = (await import(await bundle("export * from './errors.ts';", streamSources, 'stream-mine.mjs'))) as StreamCopy;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLASSES = [
  'DockerError',
  'NotModifiedError',
  'BadRequestError',
  'UnauthorizedError',
  'ForbiddenError',
  'NotFoundError',
  'ConflictError',
  'ServerError',
  'ConnectionError',
  'TimeoutError',
  'AbortError',
  'MalformedResponseError',
  'ResponseHeadTooLargeError',
  'UnsupportedApiVersionError',
] as const;
type ClassName = (typeof CLASSES)[number];
type AnyClass = abstract new (...args: never[]) => Error;
const classOf = (copy: Copy, name: ClassName) => copy[name] as unknown as AnyClass & { code: string };

function instance(copy: Copy, name: ClassName): Error {
  switch (name) {
    case 'ResponseHeadTooLargeError':
      return new copy.ResponseHeadTooLargeError(10);
    case 'UnsupportedApiVersionError':
      return new copy.UnsupportedApiVersionError('1.12');
    default:
      return new (copy[name] as unknown as new (message: string) => Error)('x');
  }
}

/** Whether class `b` is `a` or one of its ancestors, by name (both copies have the same tree). */
function isA(copy: Copy, a: ClassName, b: ClassName): boolean {
  return instance(copy, a) instanceof copy[b];
}

describe('errors are instanceof across two copies of the package', () => {
  it('the second copy really has other class objects', () => {
    expect(other.NotFoundError).not.toBe(mine.NotFoundError);
    expect(otherStream.StreamError).not.toBe(mineStream.StreamError);
  });

  it.each(CLASSES)('%s from either copy is an instance of the same class and its ancestors in the other, and of nothing else', (name) => {
    for (const [from, to] of [
      [other, mine],
      [mine, other],
    ] as const) {
      const error = instance(from, name);
      for (const target of CLASSES) {
        // The reference answer: the same check inside one copy.
        expect(error instanceof classOf(to, target), `${name} instanceof ${target}`).toBe(isA(to, name, target));
      }
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('errors the other copy maps from an engine answer pass this copy’s checks', () => {
    const err = other.errorFromStatus(404, '{"message":"No such container: x"}', 'GET /containers/x/json');
    expect(err).toBeInstanceOf(mine.NotFoundError);
    expect(err).toBeInstanceOf(mine.DockerError);
    expect(err).not.toBeInstanceOf(mine.ConflictError);
    expect(err.code).toBe('DOCKYARD_NOT_FOUND');
  });

  it('StreamError (in @dockyard/stream, which cannot depend on transport) follows the same scheme', () => {
    const fromOther = new otherStream.StreamError('truncated frame');
    expect(fromOther).toBeInstanceOf(mineStream.StreamError);
    expect(fromOther).toBeInstanceOf(mine.DockerError);
    expect(fromOther).toBeInstanceOf(other.DockerError);
    expect(fromOther).not.toBeInstanceOf(mine.ConnectionError);
    expect(new mine.ConnectionError('x')).not.toBeInstanceOf(otherStream.StreamError);
    expect(fromOther.code).toBe('DOCKYARD_STREAM');
  });

  it('a subclass of your own keeps the usual rule, and its parent’s code', () => {
    class GoneError extends mine.NotFoundError {}
    const gone = new GoneError('gone');
    expect(gone).toBeInstanceOf(GoneError);
    expect(gone).toBeInstanceOf(other.NotFoundError);
    expect(new mine.NotFoundError('x')).not.toBeInstanceOf(GoneError);
    expect(gone.code).toBe('DOCKYARD_NOT_FOUND');
  });
});

describe('error codes', () => {
  it.each(CLASSES)('%s has a stable code: DOCKYARD_ and its name without Error, in upper snake case', (name) => {
    const expected = name === 'DockerError' ? 'DOCKYARD_ERROR' : `DOCKYARD_${name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
    expect(classOf(mine, name).code).toBe(expected);
    expect((instance(mine, name) as Error & { code: string }).code).toBe(expected);
  });

  it('no two classes share a code', () => {
    const codes = CLASSES.map((name) => classOf(mine, name).code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
