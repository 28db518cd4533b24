import type { Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type { ContainerConfig, IDResponse, ImageCommitQuery } from '../generated/engine-api.js';
import type { CredentialStoreOptions } from '../auth/docker-config-credentials.js';
import { Image } from '../images/image.js';
import { callJson } from '../operation/handlers.js';
import type { QueryOptions } from '../operation/query-options.js';

/** `container.commit(options)`: the query of `POST /commit` (without `container`), `changes` as a list. */
export interface CommitOptions extends CallOptions, Omit<QueryOptions<ImageCommitQuery>, 'container' | 'changes'> {
  /** Dockerfile instructions to apply (`CMD`, `ENTRYPOINT`, `ENV`, `EXPOSE`, `LABEL`, `USER`, `VOLUME`, `WORKDIR`, `ONBUILD`). */
  changes?: string[];
  /** Config to merge into the image's (the request body). */
  config?: ContainerConfig;
}

/** `POST /commit?container=…`: a new image from the container's changes; resolves with a handle on it (by ID). */
export async function commitContainer(transport: Transport, container: string, options: CommitOptions, store: CredentialStoreOptions = {}): Promise<Image> {
  const { repo, tag, comment, author, pause, changes } = options;
  const { Id } = await callJson<IDResponse>(
    transport,
    {
      method: 'POST',
      path: '/commit',
      query: { container, repo, tag, comment, author, pause, changes },
      body: options.config ?? {},
    },
    options,
  );
  return new Image(transport, Id, store);
}
