import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { progressView } from '../terminal/progress.js';

/** `dockyard push IMAGE`: live layer lines on a terminal, plain lines otherwise. */
export default async function push({ args, globals }: CommandInput): Promise<number> {
  const docker = await connect(globals);
  const view = await progressView(process.stdout);
  const stream = docker.images.push(String(args[0]));
  try {
    for await (const message of stream) view.show(message);
  } finally {
    view.end();
  }
  await stream.done();
  await docker.close();
  return 0;
}
