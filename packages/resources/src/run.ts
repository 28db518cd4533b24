import type { Chunk } from '@dockyard/stream';
import { AbortError, NotFoundError, linkAbort } from '@dockyard/transport';
import { ContainerError } from './container-error.js';
import type { Container } from './containers/container.js';
import type { Containers } from './containers/containers.js';
import type { ContainerCreateBody } from './generated/engine-api.js';
import type { Images } from './images/images.js';
import type { RegistryAuth } from './auth/registry-auth.js';

/** Somewhere to copy output to as it comes: a Node writable, or one per stream. */
export type LiveOutput =
  | { write(data: Uint8Array): unknown }
  | { stdout?: { write(data: Uint8Array): unknown }; stderr?: { write(data: Uint8Array): unknown } };

/** `docker.run(image, cmd, options)`. */
export interface RunOptions {
  /** Remove the container when it has exited (also when it failed). Default false. */
  remove?: boolean;
  /** Copy output live to this writable (both streams), or to `{ stdout, stderr }`. */
  stream?: LiveOutput;
  /** Throw {@link ContainerError} on a non-zero exit. Default true. */
  check?: boolean;
  /** Aborting kills and removes the container, then rejects with `AbortError`. */
  signal?: AbortSignal;
  /** The container's name. */
  name?: string;
  /** Environment, as an object or a `KEY=value` list. */
  env?: Record<string, string> | string[];
  workdir?: string;
  user?: string;
  /** More of the create body (HostConfig, Labels, …); `Image` and `Cmd` come from the arguments. */
  config?: Omit<ContainerCreateBody, 'Image' | 'Cmd'>;
  /** Credentials for pulling the image when it is missing. */
  auth?: RegistryAuth;
}

/** What `docker.run` resolves with. */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  containerId: string;
}

const STDERR_TAIL = 64 * 1024;

/**
 * Creates (pulling the image if missing), attaches, starts, collects output, waits, and
 * removes when asked. Attaching before the start means no output is ever lost.
 */
export async function run(
  containers: Containers,
  images: Images,
  image: string,
  cmd: string[] | undefined,
  options: RunOptions = {},
): Promise<RunResult> {
  const { signal } = options;
  signal?.throwIfAborted?.();
  const env = options.env === undefined || Array.isArray(options.env) ? options.env : Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  const body: ContainerCreateBody = {
    ...options.config,
    Image: image,
    ...(cmd ? { Cmd: cmd } : {}),
    ...(env ? { Env: env } : {}),
    ...(options.workdir ? { WorkingDir: options.workdir } : {}),
    ...(options.user ? { User: options.user } : {}),
    Tty: false,
    AttachStdout: true,
    AttachStderr: true,
  };
  const container = await createPulling(containers, images, body, options);
  // Kill-and-remove starts the moment the signal fires; the finally below waits for it.
  let removal: Promise<void> | undefined;
  const removeOnce = () => {
    removal ??= container.remove({ force: true }).catch(() => undefined);
    return removal;
  };
  const unlink = linkAbort(signal, () => void removeOnce());
  try {
    // Attached before the start (stream: true), so no output is lost.
    const session = await container.attach({ stream: true, stdout: true, stderr: true, signal });
    await container.start({ signal });
    const { stdout, stderr } = await collect(session, options.stream);
    const { StatusCode } = await container.wait({ signal });
    const result = { exitCode: StatusCode, stdout, stderr, containerId: container.id };
    if (StatusCode !== 0 && options.check !== false) {
      throw new ContainerError({ exitCode: StatusCode, stderr: stderr.slice(-STDERR_TAIL), command: cmd ?? [], image, containerId: container.id });
    }
    return result;
  } catch (err) {
    if (signal?.aborted && !(err instanceof AbortError)) {
      throw new AbortError('run was aborted by its AbortSignal; the container was killed and removed.', { cause: signal.reason });
    }
    throw err;
  } finally {
    unlink();
    if (options.remove || signal?.aborted) await removeOnce();
  }
}

async function createPulling(containers: Containers, images: Images, body: ContainerCreateBody, options: RunOptions): Promise<Container> {
  const create = () => containers.create(body, { name: options.name, signal: options.signal });
  try {
    return await create();
  } catch (err) {
    if (!(err instanceof NotFoundError) || !/no such image/i.test(err.message)) throw err;
    await images.pull(body.Image ?? '', { auth: options.auth, signal: options.signal }).done();
    return create();
  }
}

async function collect(output: AsyncIterable<Chunk>, live: LiveOutput | undefined): Promise<{ stdout: string; stderr: string }> {
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const parts: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
  for await (const { stream, data } of output) {
    parts[stream].push(decoders[stream].decode(data, { stream: true }));
    if (live) {
      const target = 'write' in live ? live : live[stream];
      target?.write(data);
    }
  }
  return { stdout: parts.stdout.join('') + decoders.stdout.decode(), stderr: parts.stderr.join('') + decoders.stderr.decode() };
}
