import type { Docker } from 'dockyard';
import { type GlobalOptions, UsageError } from './command.js';

/**
 * The client for the engine the global options name, with the docker CLI's precedence:
 * `-H` (or `--context`), then DOCKER_HOST, DOCKER_CONTEXT, the current context, the default
 * socket. `--context` beats DOCKER_HOST, as it does for `docker --context`.
 */
export async function connect(globals: GlobalOptions): Promise<Docker> {
  if (globals.host !== undefined && globals.context !== undefined) {
    throw new UsageError('conflicting options: either specify --host or --context, not both');
  }
  const { Docker } = await import('dockyard');
  if (globals.context !== undefined) {
    return new Docker({ env: { ...process.env, DOCKER_HOST: undefined, DOCKER_CONTEXT: globals.context } });
  }
  return new Docker(globals.host !== undefined ? { host: globals.host } : {});
}
