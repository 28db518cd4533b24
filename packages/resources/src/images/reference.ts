/** An image reference split the way `POST /images/create` takes it. */
export interface ParsedReference {
  /** Repository, with registry host when there is one: `127.0.0.1:5000/app`. */
  repository: string;
  /** The tag, or undefined when the reference has a digest. */
  tag: string | undefined;
  /** `sha256:…` when the reference pins a digest. */
  digest: string | undefined;
}

/**
 * Splits `registry:5000/name:tag` or `name@sha256:…` into repository, tag and digest. A
 * reference with neither gets the tag `latest`, as the docker CLI does (the engine would
 * otherwise pull every tag).
 */
export function parseReference(ref: string): ParsedReference {
  if (!ref) throw new TypeError('An image reference is required, like "busybox:1.36" or "127.0.0.1:5000/app@sha256:…".');
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at), tag: undefined, digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  if (colon > ref.lastIndexOf('/')) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1), digest: undefined };
  return { repository: ref, tag: 'latest', digest: undefined };
}

/** `repository:tag` or `repository@digest`. */
export function formatReference(ref: ParsedReference): string {
  return ref.digest ? `${ref.repository}@${ref.digest}` : `${ref.repository}:${ref.tag ?? 'latest'}`;
}
