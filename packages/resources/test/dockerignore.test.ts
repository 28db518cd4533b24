import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanPath } from '../src/build/clean-path.js';
import { DockerignoreMatcher, parseDockerignore } from '../src/build/dockerignore.js';
import { DockerignoreSyntaxError } from '../src/build/ignore-pattern.js';

describe('parseDockerignore', () => {
  it('reads lines as the docker CLI does: comments, blanks, cleaning, leading slash, exceptions', () => {
    const text = 'test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ';
    expect(parseDockerignore(text)).toEqual(['test1', 'test2', 'a/file/here', 'lastfile', '!inverted/abs/path', '!', '!']);
  });

  it.each([
    ['\uFEFFnode_modules\n', ['node_modules']],
    ['a\r\nb\r\n', ['a', 'b']],
    ['  # not a comment\n', ['# not a comment']],
    ['#comment\n  \t \n', []],
    ['./a/../b/\n', ['b']],
    ['a//b/./c\n', ['a/b/c']],
    ['/\n', ['/']],
    ['!/dist/keep\n', ['!dist/keep']],
    ['../outside\n', ['../outside']],
  ])('%j → %j', (text, expected) => {
    expect(parseDockerignore(text)).toEqual(expected);
  });
});

describe('cleanPath', () => {
  it.each([
    ['', '.'],
    ['.', '.'],
    ['a/', 'a'],
    ['a/../..', '..'],
    ['/../x', '/x'],
    ['./a//b/../c/', 'a/c'],
    ['../../a', '../../a'],
  ])('%j → %j', (input, expected) => {
    expect(cleanPath(input)).toBe(expected);
  });

  it('is idempotent and leaves no empty, "." or inner ".." segments', () => {
    const segment = fc.constantFrom('a', 'b', '.', '..', '', 'c.d');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, rooted) => {
        const cleaned = cleanPath((rooted ? '/' : '') + segments.join('/'));
        expect(cleanPath(cleaned)).toBe(cleaned);
        if (cleaned !== '.' && cleaned !== '/') {
          const parts = cleaned.replace(/^\//, '').split('/');
          expect(parts).not.toContain('');
          expect(parts).not.toContain('.');
          const firstName = parts.findIndex((p) => p !== '..');
          if (firstName >= 0) expect(parts.slice(firstName)).not.toContain('..');
        }
      }),
    );
  });
});

describe('DockerignoreMatcher', () => {
  const cases: Array<[string[], string, boolean]> = [
    [['*.go'], 'a.go', true],
    [['*.go'], 'dir/a.go', false],
    [['**/*.go'], 'a.go', true],
    [['**/*.go'], 'x/y/a.go', true],
    [['**/*.go'], 'x/y/a.gox', false],
    [['dir/**'], 'dir/a', true],
    [['dir/**'], 'dir/x/y', true],
    [['dir/**'], 'dirx/a', false],
    [['a/**/b'], 'a/b', true],
    [['a/**/b'], 'a/x/y/b', true],
    [['a/**/b'], 'a/x/yb', false],
    [['docs'], 'docs/x/y.md', true],
    [['docs'], 'docsx', false],
    [['a?c'], 'abc', true],
    [['a?c'], 'a/c', false],
    [['[a-c]x'], 'bx', true],
    [['[a-c]x'], 'dx', false],
    [['[^a-c]x'], 'dx', true],
    [['[^a-c]x'], 'ax', false],
    [['[\\]]'], ']', true],
    [['[c-a]x'], 'bx', false],
    [['\\*x'], '*x', true],
    [['\\*x'], 'ax', false],
    [['a.b'], 'axb', false],
    [['(a|b)'], '(a|b)', true],
    [['./a/../b'], 'b', true],
    [['big', '!big/keep.txt'], 'big/data', true],
    [['big', '!big/keep.txt'], 'big/keep.txt', false],
    [['big', '!big/keep.txt'], 'big', true],
    // The CLI only walks an excluded directory for an exception that names a path below it.
    [['big', '!**/keep.txt'], 'big/keep.txt', true],
    [['big', '!**/keep.txt'], 'other/keep.txt', false],
    [['*.md', '!README.md', 'README.md'], 'README.md', true],
    [['*.md', '!README.md'], 'README.md', false],
    [['*.md', '!README.md'], 'CHANGES.md', true],
    [['!a'], 'a', false],
    [['**'], 'any/thing', true],
    [['**', '!Dockerfile'], 'Dockerfile', false],
    [['**', '!src/keep'], 'src/keep', false],
    [['**', '!src/keep'], 'src/other', true],
    [['/'], 'a', false],
    [['../x'], 'x', false],
  ];

  it.each(cases)('%j: %s excluded → %s', (patterns, path, excluded) => {
    expect(new DockerignoreMatcher(patterns).excludes(path)).toBe(excluded);
  });

  it('never excludes the context root', () => {
    expect(new DockerignoreMatcher(['**', '*', '.']).excludes('.')).toBe(false);
  });

  it.each(['[', 'a[b', '[]', '[^]', '[a-]', 'a\\', '!', '[\\'])('refuses the malformed pattern %j', (pattern) => {
    expect(() => new DockerignoreMatcher([pattern])).toThrow(DockerignoreSyntaxError);
  });

  it('walks into an excluded directory only for an exception below it', () => {
    const m = new DockerignoreMatcher(['big', 'sub', '!sub/inner/keep', '!**/x']);
    expect(m.mustWalkExcluded('sub')).toBe(true);
    expect(m.mustWalkExcluded('sub/inner')).toBe(true);
    expect(m.mustWalkExcluded('big')).toBe(false);
    expect(new DockerignoreMatcher(['big']).mustWalkExcluded('big')).toBe(false);
  });

  const name = fc.stringMatching(/^[a-z0-9._-]{1,6}$/).filter((s) => s !== '.' && s !== '..');
  const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  const patternText = fc.oneof(
    path,
    fc.constantFrom('*', '**', '*.log', '**/*.txt', 'a*', '?', 'a/**', '[a-m]*', '!*.log', '!a', '!**/b'),
  );

  it('a literal pattern excludes the path and everything below it', () => {
    fc.assert(
      fc.property(path, path, (target, below) => {
        const m = new DockerignoreMatcher([target]);
        expect(m.excludes(target)).toBe(true);
        expect(m.excludes(`${target}/${below}`)).toBe(true);
      }),
    );
  });

  it('a final `!path` exception always re-includes that path, whatever came before', () => {
    fc.assert(
      fc.property(fc.array(patternText, { maxLength: 6 }), path, (patterns, target) => {
        expect(new DockerignoreMatcher([...patterns, `!${target}`]).excludes(target)).toBe(false);
      }),
    );
  });

  it('the outcome is that of the last matching pattern, for paths without directories', () => {
    fc.assert(
      fc.property(fc.array(patternText, { maxLength: 6 }), name, (patterns, file) => {
        const m = new DockerignoreMatcher(patterns);
        const last = [...m.patterns].reverse().find((p) => p.test(file));
        expect(m.excludes(file)).toBe(last !== undefined && !last.exclusion);
      }),
    );
  });

  it('`*` and `?` never match across a `/`', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        const m = new DockerignoreMatcher(['*', '!*/**']);
        expect(m.patterns[0]?.test(`${a}/${b}`)).toBe(false);
        expect(new DockerignoreMatcher(['?']).patterns[0]?.test(`${a}/${b}`)).toBe(false);
      }),
    );
  });
});
