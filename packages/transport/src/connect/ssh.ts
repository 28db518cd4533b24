import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { type Endpoint, describeEndpoint } from '../endpoint.js';
import { ConnectionError } from '../errors.js';

type SshEndpoint = Extract<Endpoint, { kind: 'ssh' }>;

/** How much of ssh's stderr a failure message keeps (its tail). */
const STDERR_TAIL_BYTES = 2048;

/** The ssh binary: the system's, found on the PATH (so the user's ssh config, known_hosts and agent apply). */
export const SSH_COMMAND = 'ssh';

/**
 * The arguments the docker CLI passes to `ssh` for an `ssh://` endpoint: the caller's extra
 * options, `-o ConnectTimeout=30` unless one is given, `-T` (no pseudo-terminal), then
 * `-l user`, `-p port`, `--`, the host and the remote `docker system dial-stdio` command as one
 * shell-quoted string, as CLI v29 sends it
 * (a `connectTimeoutMs` replaces the 30 s, rounded up to whole seconds)
 * (with `--host=unix://<path>` when the URL has a path). No `BatchMode`: the CLI does not add one.
 *
 * @example
 * ```ts
 * sshArguments({ kind: 'ssh', host: 'box', user: 'me', port: 2222, source: 'options' });
 * // ['-o', 'ConnectTimeout=30', '-T', '-l', 'me', '-p', '2222', '--', 'box', 'docker system dial-stdio']
 * ```
 */
export function sshArguments(endpoint: SshEndpoint, connectTimeoutMs?: number): string[] {
  const options = [...(endpoint.sshOptions ?? [])];
  // The caller's connectTimeout, when set, becomes ssh's own (whole seconds, at least 1).
  const seconds = connectTimeoutMs !== undefined && connectTimeoutMs > 0 ? Math.max(1, Math.ceil(connectTimeoutMs / 1000)) : 30;
  if (!options.join(' ').includes('ConnectTimeout')) options.push('-o', `ConnectTimeout=${seconds}`);
  if (!options.includes('-T')) options.push('-T');
  const destination: string[] = [];
  if (endpoint.user !== undefined) destination.push('-l', endpoint.user);
  if (endpoint.port !== undefined) destination.push('-p', String(endpoint.port));
  destination.push('--', endpoint.host);
  const remotePath = endpoint.remoteSocketPath;
  const remote =
    remotePath !== undefined && remotePath.replaceAll('/', '') !== ''
      ? ['docker', `--host=unix://${remotePath}`, 'system', 'dial-stdio']
      : ['docker', 'system', 'dial-stdio'];
  // ssh hands the command to the remote user's shell as one string: quote each word.
  return [...options, ...destination, remote.map(quoteForPosixShell).join(' ')];
}

/** A word as a POSIX shell reads it back unchanged: as is when plain, else single-quoted. */
export function quoteForPosixShell(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Spawns `ssh … docker system dial-stdio` and resolves, once the process runs, with a Duplex
 * over its stdio: writes go to ssh's stdin, reads come from its stdout. Destroying the Duplex
 * kills ssh. If ssh exits with a non-zero code (auth failure, host unreachable, no `docker`
 * on the remote PATH), the Duplex is destroyed with a {@link ConnectionError} carrying the tail
 * of ssh's stderr instead of simply ending, so the pending request sees why. `signal` aborts
 * the spawn (the child is killed and the promise rejects with `signal.reason`). ssh gives no
 * sign of a finished login before the first response, so the promise resolves once the
 * process runs; login failures surface on the first request, and `connectTimeoutMs` is passed
 * to ssh as `ConnectTimeout`.
 */
export function dialSsh(endpoint: SshEndpoint, signal: AbortSignal, connectTimeoutMs?: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(SSH_COMMAND, sshArguments(endpoint, connectTimeoutMs), { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      reject(sshSpawnFailure(endpoint, error));
      return;
    }
    const stream = new SshChildStream(child, endpoint);
    const cleanup = (): void => {
      child.off('spawn', onSpawn);
      child.off('error', onSpawnError);
      signal.removeEventListener('abort', onAbort);
    };
    function onSpawn(): void {
      cleanup();
      resolve(stream);
    }
    function onSpawnError(error: Error): void {
      cleanup();
      stream.destroy();
      reject(sshSpawnFailure(endpoint, error));
    }
    function onAbort(): void {
      cleanup();
      stream.destroy();
      reject(signal.reason);
    }
    child.once('spawn', onSpawn);
    child.once('error', onSpawnError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function sshSpawnFailure(endpoint: SshEndpoint, error: unknown): ConnectionError {
  const code = (error as { code?: unknown } | null)?.code;
  const why = code === 'ENOENT' ? 'the `ssh` command was not found on the PATH. Install an OpenSSH client' : String(error);
  return new ConnectionError(`Cannot connect to the Docker engine at ${describeEndpoint(endpoint)}: ${why}.`, { cause: error });
}

/** A Duplex over an ssh child's stdin/stdout that owns the child's life. */
class SshChildStream extends Duplex {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #endpoint: SshEndpoint;
  #stderr: Buffer = Buffer.alloc(0);
  #stdoutEnded = false;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(child: ChildProcessWithoutNullStreams, endpoint: SshEndpoint) {
    super({ allowHalfOpen: true });
    this.#child = child;
    this.#endpoint = endpoint;

    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stdout.on('end', () => {
      this.#stdoutEnded = true;
      this.#maybeFinish();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const joined = Buffer.concat([this.#stderr, chunk]);
      this.#stderr = joined.length > STDERR_TAIL_BYTES ? joined.subarray(joined.length - STDERR_TAIL_BYTES) : joined;
    });
    // EPIPE on stdin after ssh died: the exit code and stderr tell the real story.
    child.stdin.on('error', () => {});
    child.stdout.on('error', () => {});
    child.stderr.on('error', () => {});
    child.on('error', () => {});
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      this.#exit = { code, signal };
      this.#maybeFinish();
    });
  }

  /** The ssh child's process id (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The tail of what ssh wrote to stderr so far. */
  get stderrTail(): string {
    return this.#stderr.toString('utf8').trim();
  }

  // Forward EOF only once ssh has exited, so a failing ssh reports its stderr instead of a bare EOF.
  #maybeFinish(): void {
    if (!this.#stdoutEnded || this.#exit === undefined || this.destroyed) return;
    const { code, signal } = this.#exit;
    if (code === 0) {
      this.push(null);
      return;
    }
    const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = this.stderrTail;
    const target = describeEndpoint(this.#endpoint).replace(/^ssh:\/\//, '');
    this.destroy(
      new ConnectionError(
        `ssh to ${target} ${how}${tail === '' ? '' : `: ${tail}`}. Check that ssh can log in (keys, known_hosts, agent) and that \`docker\` is on the remote PATH.`,
      ),
    );
  }

  override _read(): void {
    this.#child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#child.stdin.destroyed) {
      callback();
      return;
    }
    this.#child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#child.stdin.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#exit === undefined && this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill();
    this.#child.stdin.destroy();
    this.#child.stdout.destroy();
    this.#child.stderr.destroy();
    callback(error);
  }

  /** Lets the process exit while this connection idles (the connection pool calls it on idle keep-alive sockets). */
  unref(): this {
    this.#child.unref();
    for (const pipe of [this.#child.stdin, this.#child.stdout, this.#child.stderr]) {
      (pipe as unknown as { unref?: () => void }).unref?.();
    }
    return this;
  }

  /** Undoes {@link unref} while a request is in flight. */
  ref(): this {
    this.#child.ref();
    for (const pipe of [this.#child.stdin, this.#child.stdout, this.#child.stderr]) {
      (pipe as unknown as { ref?: () => void }).ref?.();
    }
    return this;
  }
}
