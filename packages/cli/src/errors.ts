import { colorsFor } from './terminal/colors.js';

const EXIT_CODE = Symbol('dockyard.cli.exitCode');

/** Marks `err` to end the command with `code` instead of the command's usual failure code. */
export function withExitCode<E extends object>(err: E, code: number): E {
  return Object.assign(err, { [EXIT_CODE]: code });
}

/** Exit code for dockyard's own failures where the command's code could be anything (exec, run, usage). */
export const OWN_FAILURE = 125;

// What to check, by what the engine (or the SDK) said. The engine's message stays verbatim in
// front; these only add the next step a person would take.
const HINTS: Array<[test: (err: NamedError) => boolean, hint: (err: NamedError) => string]> = [
  [(e) => e.name === 'NotFoundError' && /no such container/i.test(e.message), () => "check the name or ID with 'dockyard ps -a'"],
  [(e) => /no such image|does not exist locally|manifest unknown|manifest for .* not found|repository does not exist/i.test(e.message), () => "check the image reference with 'dockyard images', or its name and tag in the registry"],
  [(e) => /unauthorized|authentication required|no basic auth credentials|denied/i.test(e.message), () => 'check the registry credentials in $DOCKER_CONFIG/config.json (auths, credHelpers, credsStore)'],
  [(e) => e.name === 'ConflictError' && /is not running|is paused|is restarting/i.test(e.message), () => "check the container's state with 'dockyard ps -a'"],
  [(e) => e.name === 'ConflictError' && /already in use/i.test(e.message), () => 'choose another name, or remove the container that has it'],
  [(e) => e.name === 'TimeoutError', () => 'the engine did not answer in time: check that it is not overloaded'],
  [(e) => e.name === 'ServerError' && /connect|dial|no such host|timeout/i.test(e.message), () => "the engine could not reach the registry: check the registry's address and that it is up"],
];

interface NamedError {
  name: string;
  message: string;
  stack?: string;
}

/** One line for stderr that says what failed and what to check; no stack trace. */
export function describeError(err: unknown): string {
  const e: NamedError = err instanceof Error ? err : { name: 'Error', message: String(err) };
  const message = e.message.trim().replace(/\s*\n\s*/g, ' ');
  if (e.name === 'UsageError' || e.name === 'ConnectionError' || e.name === 'AbortError') return message;
  const hint = HINTS.find(([test]) => test(e))?.[1](e);
  if (hint) return `${message} (${hint})`;
  // Not one of the SDK's errors: a fault in dockyard itself, whose stack is what a bug report needs.
  if (!isDockerError(e)) return `${message} (set DOCKYARD_DEBUG=1 for the stack trace)`;
  return message;
}

/** Every error the SDK throws on purpose extends `DockerError`, which carries this brand. */
function isDockerError(e: NamedError): boolean {
  return (e as unknown as Record<symbol, unknown>)[Symbol.for('dockyard.DockerError')] === true || e.name === 'StreamError';
}

/**
 * Prints `err` as one `dockyard: …` line on stderr (red on a colour terminal), with the stack
 * and its causes after it when DOCKYARD_DEBUG=1, and returns the exit code to end with.
 */
export function reportError(err: unknown, failureCode: number): number {
  const colors = colorsFor(process.stderr);
  process.stderr.write(`${colors.red('dockyard:')} ${describeError(err)}\n`);
  if (process.env.DOCKYARD_DEBUG === '1') {
    for (let cause: unknown = err; cause !== undefined; cause = (cause as { cause?: unknown }).cause) {
      process.stderr.write(`${cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause)}\n`);
      if (!(cause instanceof Error)) break;
    }
  }
  if ((err as NamedError | undefined)?.name === 'UsageError') return OWN_FAILURE;
  const marked = (err as { [EXIT_CODE]?: number } | undefined)?.[EXIT_CODE];
  return typeof marked === 'number' ? marked : failureCode;
}
