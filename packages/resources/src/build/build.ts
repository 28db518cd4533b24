import { StreamError } from '@dockyard/stream';
import type { Transport } from '@dockyard/transport';
import { type CredentialStoreOptions, allCredentials } from '../auth/docker-config-credentials.js';
import { encodeRegistryConfig } from '../auth/registry-auth.js';
import { ProgressStream } from '../progress-stream.js';
import { type BuildContext, type BuildMessage, type BuildOptions, type BuildResult, buildQuery } from './build-options.js';
import { packContext } from './pack-context.js';

/** What a build saw on the way, for its result. */
interface BuildState {
  contextBytes: number;
  /** The short ID of a `Successfully built …` line, for engines that send no `aux`. */
  builtId: string | undefined;
}

const SUCCESSFULLY_BUILT = /^Successfully built ([0-9a-f]+)\s*$/m;

function buildResult(aux: unknown[], state: BuildState): BuildResult {
  for (let i = aux.length - 1; i >= 0; i--) {
    const id = (aux[i] as { ID?: unknown } | null)?.ID;
    if (typeof id === 'string') return { imageId: id, contextBytes: state.contextBytes };
  }
  if (state.builtId !== undefined) return { imageId: state.builtId, contextBytes: state.contextBytes };
  throw new StreamError('The build ended without the engine naming the image it built.');
}

/**
 * `POST /build`: builds an image from a context directory (packed with `.dockerignore`
 * honoured) or a tar stream. Nothing happens before the first `next()` (or `done()`); then the
 * registry credentials are read (`auth`, else all of `$DOCKER_CONFIG/config.json`'s; a failure
 * to read them fails the build) and the context is streamed to the engine as it is packed.
 * A failing step rejects with a `StreamError` carrying the engine's message.
 *
 * @example
 * ```ts
 * const build = buildImage(transport, { context: './app', tag: 'app:2', buildargs: { V: '1' } });
 * for await (const step of build) process.stdout.write(step.stream ?? '');
 * const { imageId } = await build.done();
 * ```
 */
export function buildImage(
  transport: Transport,
  options: BuildOptions,
  store: CredentialStoreOptions = {},
): ProgressStream<BuildMessage, BuildResult> {
  const state: BuildState = { contextBytes: 0, builtId: undefined };
  const query = buildQuery(options);
  const open = async (signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> => {
    const auth = options.auth ?? (await allCredentials(store));
    const headers: Record<string, string> = { 'content-type': 'application/x-tar' };
    if (Object.keys(auth).length > 0) headers['x-registry-config'] = encodeRegistryConfig(auth);
    const body = counted(contextBytes(options.context, options.dockerfile, signal), state);
    const res = await transport.request({ method: 'POST', path: '/build', query, headers, body, signal, timeout: 0 });
    return res.body;
  };
  return new ProgressStream<BuildMessage, BuildResult>(open, ({ aux }) => buildResult(aux, state), {
    signal: options.signal,
    onMessage: (message) => {
      const built = message.stream?.match(SUCCESSFULLY_BUILT)?.[1];
      if (built !== undefined) state.builtId = built;
    },
  });
}

function contextBytes(context: BuildContext, dockerfile: string | undefined, signal: AbortSignal): AsyncIterable<Uint8Array> {
  if (typeof context === 'string') return packContext(context, dockerfile === undefined ? { signal } : { dockerfile, signal });
  if (context instanceof Uint8Array) return oneChunk(context);
  return context as AsyncIterable<Uint8Array>;
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function* counted(source: AsyncIterable<Uint8Array>, state: BuildState): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    state.contextBytes += chunk.byteLength;
    yield chunk;
  }
}
