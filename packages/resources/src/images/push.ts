import type { ProgressMessage } from '@dockyard/stream';
import type { Transport } from '@dockyard/transport';
import { registryAuthHeader } from '../auth/auth-header.js';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';
import type { RegistryAuth } from '../auth/registry-auth.js';
import type { StreamOptions } from '../lazy-stream.js';
import { ProgressStream, progressRequest } from '../progress-stream.js';
import { parseReference } from './reference.js';

/** `images.push(ref, options)` and `image.push(options)`. */
export interface PushOptions extends StreamOptions {
  /** Registry credentials; omitted, they come from `$DOCKER_CONFIG/config.json` as the CLI finds them. */
  auth?: RegistryAuth;
  /** `os[/arch[/variant]]` to push from a multi-platform image (API >= 1.46). */
  platform?: string;
}

/** What `push(…).done()` resolves with: the engine's final `aux` message. */
export interface PushResult {
  tag: string | undefined;
  /** `sha256:…` of the pushed manifest. */
  digest: string | undefined;
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
  return new ProgressStream<ProgressMessage, PushResult>(
    progressRequest(transport, async () => ({
      method: 'POST',
      path: `/images/${parsed.repository.split('/').map(encodeURIComponent).join('/')}/push`,
      query: { tag: parsed.tag, platform: options.platform },
      headers: await registryAuthHeader(ref, options.auth, { ...store, required: true }),
    })),
    ({ aux }) => {
      const last = aux.filter((a): a is PushAux => typeof a === 'object' && a !== null && 'Digest' in a).at(-1);
      return { tag: last?.Tag, digest: last?.Digest, size: last?.Size };
    },
    options,
  );
}
