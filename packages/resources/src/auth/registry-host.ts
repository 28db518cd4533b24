/** Docker Hub's key in config.json, and the server address the engine expects for it. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/', 'https://index.docker.io/v1', 'https://docker.io']);

/**
 * The registry an image reference lives on: its first path component when that looks like a
 * host (has a `.` or `:`, or is `localhost`), else Docker Hub.
 */
export function registryOf(reference: string): string {
  const slash = reference.indexOf('/');
  if (slash < 0) return DOCKER_HUB_SERVER;
  const first = reference.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return isHost && !HUB_ALIASES.has(first) ? first : DOCKER_HUB_SERVER;
}

/** A config.json key or a registry name reduced to what identifies the registry (`host[:port]`, or the hub's key). */
export function normalizeRegistry(key: string): string {
  if (HUB_ALIASES.has(key)) return DOCKER_HUB_SERVER;
  const stripped = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return HUB_ALIASES.has(stripped) ? DOCKER_HUB_SERVER : stripped;
}
