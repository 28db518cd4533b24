/** Options every command takes, before the command's name: where the engine is. */
export interface GlobalOptions {
  /** `-H, --host`: an engine address (`unix://…`, `tcp://…`, `ssh://…`). */
  host?: string;
  /** `-c, --context`: a docker context by name. */
  context?: string;
}

/** What a command's module is called with: its operands, its own options and the global ones. */
export interface CommandInput<O = Record<string, unknown>> {
  /** Operands in the order the command declares them; a variadic one is a `string[]`. */
  args: unknown[];
  opts: O;
  globals: GlobalOptions;
}

/**
 * A command's module, imported only when that command runs. Resolves with the exit code. Each
 * module declares the shape of its own options; commander fills them from the same declaration.
 */
export interface CommandModule {
  default(input: CommandInput<never>): Promise<number>;
}

/** Bad input caught by dockyard itself (not by the engine): exits 125, as the docker CLI does. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
