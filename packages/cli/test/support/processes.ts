import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `dockyard` command as `npm ci` installs it at the repository root. */
export const DOCKYARD_BIN = fileURLToPath(new URL('../../../../node_modules/.bin/dockyard', import.meta.url));

/** What a finished child process left: its exit code and each stream's bytes. */
export interface Finished {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** Written to the child's stdin, then closed; without it stdin is closed at once. */
  input?: string | Buffer;
  /** Added to (or, with `undefined` values, removed from) this process's environment. */
  env?: Record<string, string | undefined>;
}

/** Runs `command args` to the end, collecting stdout and stderr apart, byte for byte. */
export function runProcess(command: string, args: string[], options: RunProcessOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...options.env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    child.stdin.end(options.input);
  });
}

/** `dockyard …` as a child process. */
export function dockyard(args: string[], options?: RunProcessOptions): Promise<Finished> {
  return runProcess(DOCKYARD_BIN, args, options);
}

/** The docker CLI, the oracle the commands are compared with. */
export function docker(args: string[], options?: RunProcessOptions): Promise<Finished> {
  return runProcess('docker', args, options);
}
