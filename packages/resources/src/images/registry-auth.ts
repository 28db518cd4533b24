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

/** The `X-Registry-Auth` header value: base64url of the JSON credentials. */
export function encodeRegistryAuth(auth: RegistryAuth): string {
  return Buffer.from(JSON.stringify(auth), 'utf8').toString('base64url');
}
