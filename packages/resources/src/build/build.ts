import { randomBytes } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { StreamError } from '@dockyard/stream';
import type { Transport } from '@dockyard/transport';
import { type CredentialStoreOptions, allCredentials } from '../auth/docker-config-credentials.js';
import { encodeRegistryConfig } from '../auth/registry-auth.js';
import { streamProgress } from '../operation/handlers.js';
import type { ProgressStream } from '../progress-stream.js';
import { type BuildContext, type BuildMessage, type BuildOptions, type BuildResult, buildQuery } from './build-options.js';
import { BuildContextError, packContext } from './pack-context.js';

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
  if (options.context === undefined && options.remote === undefined) throw new TypeError('build needs a `context` (a directory or a tar), or a `remote` URL.');
  const state: BuildState = { contextBytes: 0, builtId: undefined };
  return streamProgress<BuildMessage, BuildResult>(
    transport,
    async (signal) => {
      const auth = options.auth ?? (await allCredentials(store));
      const headers: Record<string, string> = { 'Content-Type': 'application/x-tar' };
      if (Object.keys(auth).length > 0) headers['X-Registry-Config'] = encodeRegistryConfig(auth);
      const { bytes, dockerfile } = await contextBytes(options.context, options.dockerfile, signal);
      return { method: 'POST', path: '/build', query: buildQuery(options, dockerfile), headers, body: counted(bytes, state) };
    },
    ({ aux }) => buildResult(aux, state),
    {
      signal: options.signal,
      timeout: options.timeout,
      onMessage: (message) => {
        const built = message.stream?.match(SUCCESSFULLY_BUILT)?.[1];
        if (built !== undefined) state.builtId = built;
      },
    },
  );
}

/** The context's bytes and the Dockerfile's name in them. */
async function contextBytes(
  context: BuildContext | undefined,
  dockerfile: string | undefined,
  signal: AbortSignal,
): Promise<{ bytes: AsyncIterable<Uint8Array>; dockerfile: string | undefined }> {
  if (context === undefined) return { bytes: oneChunk(new Uint8Array(0)), dockerfile };
  if (typeof context !== 'string') return { bytes: context instanceof Uint8Array ? oneChunk(context) : (context as AsyncIterable<Uint8Array>), dockerfile };
  if (dockerfile === undefined) return { bytes: packContext(context, { signal }), dockerfile };
  const placed = await placeDockerfile(context, dockerfile);
  return { bytes: packContext(context, { ...placed, signal }), dockerfile: placed.dockerfile };
}

/**
 * Where the Dockerfile goes in the context, as `docker build -f` places it: a path inside
 * the context directory (given relative to it, or absolute) is sent as the relative path; a
 * file outside it is read and sent as `.dockerfile.<random>`, the name the engine is given.
 */
async function placeDockerfile(contextDir: string, dockerfile: string): Promise<{ dockerfile: string; dockerfileContent?: Uint8Array }> {
  const root = await realpath(resolve(contextDir)).catch(() => resolve(contextDir));
  const full = resolve(root, dockerfile);
  // The file's directory through its links (e.g. /tmp -> /private/tmp), the file itself not.
  const real = resolve(await realpath(dirname(full)).catch(() => dirname(full)), full.slice(dirname(full).length + 1));
  for (const candidate of [full, real]) {
    const rel = relative(root, candidate);
    if (rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return { dockerfile: rel.split(sep).join('/') };
  }
  let content: Uint8Array;
  try {
    content = await readFile(full);
  } catch (err) {
    throw new BuildContextError(`Cannot read the Dockerfile ${dockerfile} (outside the build context): ${(err as Error).message}`, { cause: err });
  }
  return { dockerfile: `.dockerfile.${randomBytes(10).toString('hex')}`, dockerfileContent: content };
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
