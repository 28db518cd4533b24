import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { mapOf, splitKeyValue } from '../format/key-values.js';
import { showProgress } from '../terminal/progress.js';

interface BuildOptions {
  tag?: string[];
  file?: string;
  buildArg?: string[];
  label?: string[];
  target?: string;
  cache: boolean;
  forceRm?: boolean;
  quiet?: boolean;
}

/** `dockyard build DIR`: the build's output as it comes (base image pulls as live layer lines). */
export default async function build({ args, opts, globals }: CommandInput<BuildOptions>): Promise<number> {
  const buildargs = buildArgs(opts.buildArg);
  const docker = await connect(globals);
  const stream = docker.images.build({
    context: String(args[0]),
    tag: opts.tag,
    dockerfile: opts.file,
    buildargs,
    labels: mapOf(opts.label, '--label'),
    target: opts.target,
    nocache: opts.cache === false ? true : undefined,
    forcerm: opts.forceRm,
  });
  await showProgress(stream, opts.quiet ? undefined : process.stdout);
  const { imageId } = await stream.done();
  if (opts.quiet) process.stdout.write(`${imageId}\n`);
  await docker.close();
  return 0;
}

/** `--build-arg K=V`, or `--build-arg K` for the value of K in dockyard's environment (skipped when unset), as docker does. */
function buildArgs(items: string[] | undefined): Record<string, string> | undefined {
  if (!items?.length) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    if (item.includes('=')) {
      const [key, value] = splitKeyValue(item, '--build-arg');
      out[key] = value;
    } else if (process.env[item] !== undefined) out[item] = process.env[item] as string;
  }
  return out;
}
