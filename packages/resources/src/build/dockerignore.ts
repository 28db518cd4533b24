import { cleanPath, trimSpace } from './clean-path.js';
import { compilePattern, type IgnorePattern } from './ignore-pattern.js';

/**
 * The patterns of a `.dockerignore` file, read as the docker CLI reads them: a UTF-8 BOM is
 * dropped, a line that starts with `#` is a comment (only in the first column), blank lines
 * go, each pattern is trimmed and cleaned like a path, and a leading `/` is dropped (patterns
 * are relative to the context root). `!` exceptions keep their `!`.
 *
 * @example
 * ```ts
 * parseDockerignore('# deps\nnode_modules\n/dist/\n!dist/keep.txt\n');
 * // ['node_modules', 'dist', '!dist/keep.txt']
 * ```
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const rawLine of lines) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('#')) continue;
    let pattern = trimSpace(line);
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = trimSpace(pattern.slice(1));
    if (pattern !== '') {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Per-pattern results for a directory, handed to its children by {@link DockerignoreMatcher.match}. */
export type ParentMatches = readonly boolean[];

/** What {@link DockerignoreMatcher.match} found for one path. */
export interface MatchResult {
  /** The path matches an exclusion and no later `!` exception. */
  excluded: boolean;
  /** Hand this to the path's children (when it is a directory). */
  parents: ParentMatches;
}

/**
 * Decides which paths of a build context `.dockerignore` leaves out, with the engine's
 * rules (moby's `patternmatcher`): the last pattern that matches wins, a pattern that
 * matches a directory matches everything below it, and `!` exceptions re-include.
 * A directory that is excluded is only walked into when an exception names a path
 * below it literally (its text starts with `dir/`), as `docker build` does: so
 * `!**\/keep` does not reach into an excluded directory, while `!dir/keep` does.
 *
 * @example
 * ```ts
 * const m = new DockerignoreMatcher(['big', '!big/keep.txt', '*.log']);
 * m.excludes('big/data.bin');   // true
 * m.excludes('big/keep.txt');   // false
 * m.excludes('app.log');        // true
 * m.excludes('src/app.log');    // false: `*` does not cross `/`
 * ```
 */
export class DockerignoreMatcher {
  /** The compiled patterns, in file order. */
  readonly patterns: readonly IgnorePattern[];
  /** Whether any pattern is a `!` exception. */
  readonly hasExceptions: boolean;

  /** @param patterns as {@link parseDockerignore} returns them; throws `DockerignoreSyntaxError`. */
  constructor(patterns: readonly string[]) {
    const compiled: IgnorePattern[] = [];
    for (const raw of patterns) {
      const pattern = compilePattern(raw);
      if (pattern) compiled.push(pattern);
    }
    this.patterns = compiled;
    this.hasExceptions = compiled.some((p) => p.exclusion);
  }

  /**
   * Matches one path (cleaned, relative, `/`-separated) given its parent directory's
   * result (omit it for a top-level path, or to have ancestors checked from scratch).
   */
  match(path: string, parent?: ParentMatches): MatchResult {
    const parents: boolean[] = new Array<boolean>(this.patterns.length).fill(false);
    let excluded = false;
    const inherited = parent !== undefined && parent.length === this.patterns.length;
    this.patterns.forEach((pattern, i) => {
      let hit = inherited ? (parent[i] as boolean) : false;
      if (!hit) {
        // An exclusion can only change an excluded path, and a pattern only an included one.
        if (pattern.exclusion !== excluded) return;
        hit = pattern.test(path) || (!inherited && ancestorMatches(pattern, path));
      }
      parents[i] = hit;
      if (hit) excluded = !pattern.exclusion;
    });
    return { excluded, parents };
  }

  /**
   * Whether the walk has to go into `dir`, which is excluded, because an exception may
   * re-include something below it. `docker build` only looks for exceptions whose text
   * starts with `dir/`.
   */
  mustWalkExcluded(dir: string): boolean {
    if (!this.hasExceptions) return false;
    const prefix = `${dir}/`;
    return this.patterns.some((p) => p.exclusion && `${p.text}/`.startsWith(prefix));
  }

  /**
   * Whether `path` (relative to the context root) is left out of the context, taking into
   * account that an excluded directory that is not walked hides everything below it.
   */
  excludes(path: string): boolean {
    const cleaned = cleanPath(path);
    if (cleaned === '.') return false;
    const segments = cleaned.split('/');
    let parents: ParentMatches | undefined;
    for (let depth = 1; depth <= segments.length; depth++) {
      const current = segments.slice(0, depth).join('/');
      const result = this.match(current, parents);
      if (depth === segments.length) return result.excluded;
      if (result.excluded && !this.mustWalkExcluded(current)) return true;
      parents = result.parents;
    }
    return false;
  }
}

// Without a parent's results: does the pattern match one of the path's ancestor directories?
function ancestorMatches(pattern: IgnorePattern, path: string): boolean {
  let slash = path.indexOf('/');
  while (slash >= 0) {
    if (pattern.test(path.slice(0, slash))) return true;
    slash = path.indexOf('/', slash + 1);
  }
  return false;
}
