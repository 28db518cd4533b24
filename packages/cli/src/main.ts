// The `dockyard` command: parse the arguments, run one command, exit with its code.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { GlobalOptions } from './command.js';
import { exitQuietlyOnClosedPipe, finish } from './exit.js';
import { type Invoke, buildProgram } from './program.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const invoke: Invoke = async (load, command: Command, failureCode) => {
  let code: number;
  try {
    const { host, context } = command.optsWithGlobals<GlobalOptions>();
    const globals: GlobalOptions = { ...(host !== undefined && { host }), ...(context !== undefined && { context }) };
    const module = await load();
    code = await module.default({ args: command.processedArgs, opts: command.opts() as never, globals });
  } catch (err) {
    const { reportError } = await import('./errors.js');
    code = reportError(err, failureCode);
  }
  await finish(code);
};

exitQuietlyOnClosedPipe();
const program = buildProgram(version, invoke);
// Bare `dockyard` prints the help to stdout and exits 0, as bare `docker` does.
if (process.argv.length <= 2) program.help();
await program.parseAsync(process.argv);
