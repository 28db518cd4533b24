import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { showProgress } from '../terminal/progress.js';

/** `dockyard pull IMAGE`: live layer lines on a terminal, plain lines otherwise, then the reference. */
export default async function pull({ args, opts, globals }: CommandInput<{ platform?: string }>): Promise<number> {
  const ref = String(args[0]);
  const docker = await connect(globals);
  const stream = docker.images.pull(ref, { platform: opts.platform });
  await showProgress(stream, process.stdout);
  const { reference } = await stream.done();
  process.stdout.write(`${reference}\n`);
  await docker.close();
  return 0;
}
