import { DockerError } from '@dockyard/transport';
import { cleanPath, trimSpace } from './clean-path.js';

/** A `.dockerignore` pattern the engine's tooling would refuse (e.g. an unclosed `[`, a lone `!`). */
export class DockerignoreSyntaxError extends DockerError {
  static override readonly code: string = 'DOCKYARD_DOCKERIGNORE_SYNTAX';
  /** The pattern as written. */
  readonly pattern: string;

  constructor(pattern: string, reason: string) {
    super(`Invalid .dockerignore pattern ${JSON.stringify(pattern)}: ${reason}.`);
    this.name = 'DockerignoreSyntaxError';
    this.pattern = pattern;
  }
}

/** One compiled `.dockerignore` pattern. */
export interface IgnorePattern {
  /** The cleaned pattern, without its leading `!`. */
  readonly text: string;
  /** `!pattern`: re-includes what earlier patterns excluded. */
  readonly exclusion: boolean;
  /** Whether the slash-separated, cleaned relative path matches the pattern itself. */
  test(path: string): boolean;
}

/**
 * Compiles one pattern the way moby's `patternmatcher.New` reads it: trimmed, cleaned like a
 * path, `!` marks an exception; `*` and `?` never cross a `/`, `**` spans any number of
 * directories (a `**` followed by `/` also matches none), `[...]` is a character class with
 * `^` negation and ranges, `\` escapes the next character. Returns undefined for a blank line.
 *
 * @example
 * ```ts
 * compilePattern('**\/*.log')?.test('a/b/x.log'); // true
 * ```
 */
export function compilePattern(raw: string): IgnorePattern | undefined {
  let text = trimSpace(raw);
  if (text === '') return undefined;
  text = cleanPath(text);
  let exclusion = false;
  if (text.startsWith('!')) {
    if (text.length === 1) throw new DockerignoreSyntaxError(raw, 'a "!" needs a pattern after it');
    exclusion = true;
    text = text.slice(1);
  }
  const regexp = new RegExp(`^${translate(text, raw)}$`, 'u');
  return { text, exclusion, test: (path) => regexp.test(path) };
}

// Characters with a meaning in a JS regular expression outside a class.
const REGEXP_SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

function literal(ch: string): string {
  return REGEXP_SYNTAX.has(ch) ? `\\${ch}` : ch;
}

function classMember(ch: string): string {
  return `\\u{${(ch.codePointAt(0) as number).toString(16)}}`;
}

function translate(pattern: string, raw: string): string {
  const chars = Array.from(pattern);
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i] as string;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i += 2;
        if (chars[i] === '/') i++;
        // `**` at the end matches everything below; elsewhere, any number of whole directories.
        out += i >= chars.length ? '.*' : '(?:.*/)?';
        continue;
      }
      out += '[^/]*';
      i++;
    } else if (ch === '?') {
      out += '[^/]';
      i++;
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next === undefined) throw new DockerignoreSyntaxError(raw, 'it ends with an escaping "\\"');
      out += literal(next);
      i += 2;
    } else if (ch === '[') {
      const parsed = characterClass(chars, i + 1, raw);
      out += parsed.regexp;
      i = parsed.end;
    } else {
      out += literal(ch);
      i++;
    }
  }
  return out;
}

// One class element (Go filepath.Match's getEsc): a character, possibly `\`-escaped.
function classChar(chars: string[], i: number, raw: string): { ch: string; end: number } {
  let ch = chars[i];
  if (ch === undefined || ch === '-' || ch === ']') throw new DockerignoreSyntaxError(raw, 'a character class is malformed');
  if (ch === '\\') {
    i++;
    ch = chars[i];
    if (ch === undefined) throw new DockerignoreSyntaxError(raw, 'a character class is not closed');
  }
  if (i + 1 >= chars.length) throw new DockerignoreSyntaxError(raw, 'a character class is not closed');
  return { ch, end: i + 1 };
}

function characterClass(chars: string[], start: number, raw: string): { regexp: string; end: number } {
  let i = start;
  let negated = false;
  if (chars[i] === '^') {
    negated = true;
    i++;
  }
  let members = '';
  let ranges = 0;
  for (;;) {
    if (chars[i] === ']' && ranges > 0) {
      i++;
      break;
    }
    const lo = classChar(chars, i, raw);
    let hi = lo;
    if (chars[lo.end] === '-') hi = classChar(chars, lo.end + 1, raw);
    i = hi.end;
    ranges++;
    const from = lo.ch.codePointAt(0) as number;
    const to = hi.ch.codePointAt(0) as number;
    // Go accepts an inverted range and it never matches; a JS class would refuse it.
    if (from <= to) members += from === to ? classMember(lo.ch) : `${classMember(lo.ch)}-${classMember(hi.ch)}`;
  }
  return { regexp: `[${negated ? '^' : ''}${members}]`, end: i };
}
