import type { Container, ContainerCreateBody, Docker } from 'dockyard';
import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { withExitCode } from '../errors.js';
import { mapOf } from '../format/key-values.js';
import { showProgress } from '../terminal/progress.js';
import { connectTerminal } from '../terminal/tty-session.js';

interface RunOptions {
  rm?: boolean;
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  label?: string[];
  workdir?: string;
  user?: string;
  name?: string;
}

/**
 * `dockyard run IMAGE [CMD...]`: creates the container (pulling the image when it is
 * missing, progress on stderr), attaches, starts it, copies its output, and exits with its
 * exit code; 125 when dockyard or the engine failed before the command ran, 126 or 127 when
 * the command could not be run (as `docker run`).
 */
export default async function run({ args, opts, globals }: CommandInput<RunOptions>): Promise<number> {
  const [image, command] = args as [string, string[]];
  const interactive = opts.interactive === true;
  const tty = opts.tty === true;
  const docker = await connect(globals);
  const body: ContainerCreateBody = {
    Image: image,
    ...(command.length > 0 && { Cmd: command }),
    Env: opts.env,
    Labels: mapOf(opts.label, '--label'),
    WorkingDir: opts.workdir,
    User: opts.user,
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: interactive,
    AttachStdin: interactive,
    AttachStdout: !opts.detach,
    AttachStderr: !opts.detach,
    // Detached, nobody waits to remove it: the engine does, when it exits.
    ...(opts.detach && opts.rm && { HostConfig: { AutoRemove: true } }),
  };
  const container = await createPulling(docker, body, opts.name);
  if (opts.detach) {
    try {
      await container.start();
    } catch (err) {
      if (opts.rm) await container.remove({ force: true }).catch(() => undefined);
      throw withExitCode(err as Error, startFailureCode(err));
    } finally {
      await docker.close();
    }
    process.stdout.write(`${container.id}\n`);
    return 0;
  }
  let detached = false;
  try {
    const session = await container.attach({ stdin: interactive, stdout: true, stderr: true });
    try {
      await container.start();
    } catch (err) {
      await session.close();
      throw withExitCode(err as Error, startFailureCode(err));
    }
    // Without a terminal, Ctrl-C and kill stop the container's process, not just dockyard (docker's sig-proxy).
    const proxy = (signal: NodeJS.Signals) => void container.kill({ signal }).catch(() => undefined);
    if (!tty) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, proxy);
    ({ detached } = await connectTerminal(
      {
        output: session,
        write: (data) => session.write(data),
        end: () => session.end(),
        resize: (size) => container.resize(size),
        close: () => session.close(),
      },
      { interactive, tty },
    ));
    // Detached (Ctrl-P Ctrl-Q): the container runs on, as with docker run.
    if (detached) return 0;
    const { StatusCode } = await container.wait();
    return StatusCode;
  } finally {
    if (opts.rm && !detached) await container.remove({ force: true }).catch(() => undefined);
    await docker.close();
  }
}

async function createPulling(docker: Docker, body: ContainerCreateBody, name: string | undefined): Promise<Container> {
  try {
    return await docker.containers.create(body, { name });
  } catch (err) {
    if ((err as Error).name !== 'NotFoundError' || !/no such image/i.test((err as Error).message)) throw err;
  }
  process.stderr.write(`Unable to find image '${body.Image}' locally\n`);
  await showProgress(docker.images.pull(body.Image ?? ''), process.stderr);
  return docker.containers.create(body, { name });
}

/** docker run's codes for a start the engine refused: 127 command not found, 126 not runnable, else 125. */
function startFailureCode(err: unknown): number {
  const message = (err as Error).message ?? '';
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 125;
}
