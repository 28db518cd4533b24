import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { connectTerminal } from '../terminal/tty-session.js';

interface ExecOptions {
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  workdir?: string;
  user?: string;
  privileged?: boolean;
}

/** `dockyard exec`: runs a command in a running container and exits with the command's exit code. */
export default async function exec({ args, opts, globals }: CommandInput<ExecOptions>): Promise<number> {
  const [container, command] = args as [string, string[]];
  const docker = await connect(globals);
  const proc = docker.containers.get(container).exec(command, {
    stdin: opts.interactive === true,
    tty: opts.tty === true,
    env: opts.env,
    workdir: opts.workdir,
    user: opts.user,
    privileged: opts.privileged,
  });
  await proc.id(); // created and started: an engine refusal surfaces here, before the terminal changes
  const { detached } = await connectTerminal(
    {
      output: proc,
      write: (data) => proc.stdin.write(data),
      end: () => proc.stdin.end(),
      resize: (size) => proc.resize(size),
      close: () => proc.close(),
    },
    { interactive: opts.interactive === true, tty: opts.tty === true },
  );
  if (detached) {
    await docker.close();
    return 0;
  }
  const { exitCode } = await proc.wait();
  await docker.close();
  return exitCode;
}
