import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { progressView } from '../terminal/progress.js';

/** `dockyard pull IMAGE`: live layer lines on a terminal, plain lines otherwise, then the reference. */
export default async function pull({ args, opts, globals }: CommandInput<{ platform?: string }>): Promise<number> {
  const ref = String(args[0]);
  const docker = await connect(globals);
  const view = await progressView(process.stdout);
  const stream = docker.images.pull(ref, { platform: opts.platform });
  try {
    for await (const message of stream) view.show(message);
  } finally {
    view.end();
  }
  const { reference } = await stream.done();
  process.stdout.write(`${reference}\n`);
  await docker.close();
  return 0;
}
