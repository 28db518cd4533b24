/**
 * Builds an engine path with every interpolated value URL-encoded as one path segment, so
 * an id or name can never add a segment, a query or a fragment.
 *
 * @example
 * ```ts
 * enginePath`/containers/${nameOrId}/json`;      // '/containers/my%2Fname/json' for 'my/name'
 * enginePath`/images/${'127.0.0.1:5000/app:2'}/json`; // the image name is one segment
 * ```
 */
export function enginePath(strings: TemplateStringsArray, ...segments: Array<string | number>): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < segments.length; i++) {
    out += encodeURIComponent(String(segments[i])) + (strings[i + 1] ?? '');
  }
  return out;
}
