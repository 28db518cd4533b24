import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { showProgress } from '../terminal/progress.js';

/** `dockyard push IMAGE`: live layer lines on a terminal, plain lines otherwise. */
export default async function push({ args, globals }: CommandInput): Promise<number> {
  const docker = await connect(globals);
  const stream = docker.images.push(String(args[0]));
  await showProgress(stream, process.stdout);
  await stream.done();
  await docker.close();
  return 0;
}
