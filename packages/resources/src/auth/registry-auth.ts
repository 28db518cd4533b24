/** Credentials for a registry, as the engine's `X-Registry-Auth` takes them. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  /** A token from a registry login (`identitytoken`), instead of a password. */
  identitytoken?: string;
  /** An OAuth bearer token for the registry. */
  registrytoken?: string;
  serveraddress?: string;
  email?: string;
}

/**
 * URL-safe base64 *with* `=` padding, as the docker CLI sends it: engines decode these headers
 * with Go's padded URL encoding and, when that fails, go on silently with no credentials.
 */
function base64UrlPadded(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

/** The `X-Registry-Auth` header value: URL-safe base64 (padded) of the JSON credentials. */
export function encodeRegistryAuth(auth: RegistryAuth): string {
  return base64UrlPadded(JSON.stringify(auth));
}

/** The `X-Registry-Config` header value (for build): URL-safe base64 (padded) of `{ registry: credentials }`. */
export function encodeRegistryConfig(config: Record<string, RegistryAuth>): string {
  return base64UrlPadded(JSON.stringify(config));
}
