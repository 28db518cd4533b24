/** Which containers to pick: each list is a set of alternatives; see {@link FollowAllOptions}. */
export interface ContainerSelector {
  /** Name globs (`*`, `?`), matched against the name without its leading `/`. */
  name?: string[];
  /** `key` (the label is set) or `key=value`. */
  label?: string[];
  /** Image globs, matched against the image the container was created from (`Config.Image`). */
  image?: string[];
}

/** The part of a container the selectors look at. */
export interface SelectableContainer {
  name: string;
  image: string;
  labels: Record<string, string>;
}

/**
 * `include`: every kind it lists must match one of its patterns; `exclude`: a match of any
 * pattern excludes. No `include` selects every container.
 */
export function selects(container: SelectableContainer, include: ContainerSelector | undefined, exclude: ContainerSelector | undefined): boolean {
  if (include) {
    for (const kind of ['name', 'label', 'image'] as const) {
      const patterns = include[kind];
      if (patterns && !patterns.some((p) => matches(container, kind, p))) return false;
    }
  }
  if (exclude) {
    for (const kind of ['name', 'label', 'image'] as const) {
      if (exclude[kind]?.some((p) => matches(container, kind, p))) return false;
    }
  }
  return true;
}

function matches(container: SelectableContainer, kind: 'name' | 'label' | 'image', pattern: string): boolean {
  if (kind === 'label') {
    const eq = pattern.indexOf('=');
    if (eq < 0) return Object.hasOwn(container.labels, pattern);
    const key = pattern.slice(0, eq);
    return Object.hasOwn(container.labels, key) && container.labels[key] === pattern.slice(eq + 1);
  }
  return glob(pattern).test(kind === 'name' ? container.name : container.image);
}

const globs = new Map<string, RegExp>();

/** `*` any run of characters, `?` one character; the rest literally, whole string. */
function glob(pattern: string): RegExp {
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    globs.set(pattern, re);
  }
  return re;
}
