import { type CredentialStoreOptions, credentialsFor } from './docker-config-credentials.js';
import { type RegistryAuth, encodeRegistryAuth } from './registry-auth.js';
import { registryOf } from './registry-host.js';

/**
 * The `X-Registry-Auth` header for an image reference: the caller's `auth`, else what the
 * docker CLI's config.json gives for the reference's registry. With `required`, an empty
 * credential is still sent (push wants the header).
 */
export async function registryAuthHeader(
  reference: string,
  auth: RegistryAuth | undefined,
  { required = false, ...store }: CredentialStoreOptions & { required?: boolean } = {},
): Promise<Record<string, string>> {
  const registry = registryOf(reference);
  const found = auth ?? (await credentialsFor(registry, store));
  if (!found) return required ? { 'X-Registry-Auth': encodeRegistryAuth({}) } : {};
  return { 'X-Registry-Auth': encodeRegistryAuth({ serveraddress: registry, ...found }) };
}
