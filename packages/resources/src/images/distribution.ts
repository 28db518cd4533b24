import { enginePath, type Transport } from '@dockyard/transport';
import { registryAuthHeader } from '../auth/auth-header.js';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';
import type { RegistryAuth } from '../auth/registry-auth.js';
import type { CallOptions } from '../call-options.js';
import type { DistributionInspectResponse } from '../generated/engine-api.js';
import { callJson } from '../operation/handlers.js';

/** `docker.images.distribution(ref, options)`. */
export interface DistributionOptions extends CallOptions {
  /** Registry credentials; omitted, they come from `$DOCKER_CONFIG/config.json` as for pull. */
  auth?: RegistryAuth;
}

/** `GET /distribution/{name}/json`: the manifest's descriptor (digest, size) and platforms, from the registry, without pulling. */
export function distributionInspect(
  transport: Transport,
  ref: string,
  options: DistributionOptions,
  store: CredentialStoreOptions,
): Promise<DistributionInspectResponse> {
  return callJson(
    transport,
    async () => ({ method: 'GET', path: enginePath`/distribution/${ref}/json`, headers: await registryAuthHeader(ref, options.auth, store) }),
    options,
  );
}
