/**
 * The shortest path equivalent to `path` by lexical processing alone, with the rules of Go's
 * `filepath.Clean` on Unix (which is what the engine's tooling applies to `.dockerignore`
 * patterns): repeated `/` collapse, `.` elements go, `x/..` pairs go, `..` above a root
 * `/` goes, and an empty result is `.`.
 *
 * @example
 * ```ts
 * cleanPath('./a//b/../c/'); // 'a/c'
 * cleanPath('/../x');        // '/x'
 * ```
 */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

// Go's strings.TrimSpace: Unicode White_Space, which differs from String.prototype.trim
// (that also trims U+FEFF and not U+0085).
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const LEADING = new RegExp(`^${GO_SPACE}+`, 'u');
const TRAILING = new RegExp(`${GO_SPACE}+$`, 'u');

/** Trims leading and trailing white space as Go's `strings.TrimSpace` does. */
export function trimSpace(text: string): string {
  return text.replace(LEADING, '').replace(TRAILING, '');
}
