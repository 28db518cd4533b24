import type { ProgressMessage } from '@dockyard/stream';
import { type Transport, enginePath } from '@dockyard/transport';
import { registryAuthHeader } from '../auth/auth-header.js';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';
import type { RegistryAuth } from '../auth/registry-auth.js';
import type { StreamOptions } from '../call-options.js';
import type { ImagePushQuery } from '../generated/engine-api.js';
import { streamProgress } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';
import { needs } from '../operation/version-gate.js';
import type { ProgressStream } from '../progress-stream.js';
import { parseReference } from './reference.js';

/**
 * `images.push(ref, options)` and `image.push(options)`. The tag comes from the reference;
 * `platform` (JSON OCI platform, API 1.46+) picks one variant of a multi-platform image.
 */
export interface PushOptions extends StreamOptions, Omit<QueryOptions<ImagePushQuery>, 'tag'> {
  /** Registry credentials; omitted, they come from `$DOCKER_CONFIG/config.json` as the CLI finds them. */
  auth?: RegistryAuth;
}

/** What `push(…).done()` resolves with: the engine's final `aux` message. */
export interface PushResult {
  /** The tag pushed. */
  tag: string | undefined;
  /** `sha256:…` of the pushed manifest. */
  digest: string | undefined;
  /** The manifest's size in bytes. */
  size: number | undefined;
}

interface PushAux {
  Tag?: string;
  Digest?: string;
  Size?: number;
}

/** `POST /images/{name}/push?tag=…`: pushes exactly the tag named (`latest` when none is). */
export function pushImage(
  transport: Transport,
  ref: string,
  options: PushOptions = {},
  store: CredentialStoreOptions = {},
): ProgressStream<ProgressMessage, PushResult> {
  const parsed = parseReference(ref);
  if (parsed.digest) throw new TypeError(`Push takes a tag, not a digest: ${ref}`);
  return streamProgress<ProgressMessage, PushResult>(
    transport,
    async () => ({
      method: 'POST',
      path: enginePath`/images/${parsed.repository}/push`,
      query: { tag: parsed.tag, platform: options.platform },
      headers: await registryAuthHeader(ref, options.auth, { ...store, required: true }),
      needs: needs(options, { platform: '1.46' }),
    }),
    ({ aux }) => {
      const last = aux.filter((a): a is PushAux => typeof a === 'object' && a !== null && 'Digest' in a).at(-1);
      return { tag: last?.Tag, digest: last?.Digest, size: last?.Size };
    },
    options,
  );
}
