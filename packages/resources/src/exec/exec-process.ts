import { ConnectionError, type HijackedConnection, type Transport, enginePath, linkAbort } from '@dockyard/transport';
import type { CallOptions, StreamOptions } from '../call-options.js';
import type { TtySize } from '../containers/options.js';
import { FramingRule, chunksOf } from '../framing.js';
import type { ContainerExecBody, ExecInspectResponse, IDResponse } from '../generated/engine-api.js';
import { callHijack, callJson, callUnit } from '../operation/handlers.js';
import { needs } from '../operation/version-gate.js';
import { sleep } from '../sleep.js';
import { OutputReader, ProcessOutput } from './exec-output.js';

/**
 * Options of `container.exec(cmd, options)`: the engine's exec create and start parameters
 * (`POST /containers/{id}/exec`, `POST /exec/{id}/start`) under the docker CLI's names.
 */
export interface ExecOptions extends StreamOptions {
  /** Attach stdin: write with `proc.stdin.write()`, close with `proc.stdin.end()`. */
  stdin?: boolean;
  /** Allocate a TTY: output comes raw, all as `stdout`. */
  tty?: boolean;
  /** Environment, as an object or a `KEY=value` list. */
  env?: Record<string, string> | string[];
  /** Working directory inside the container. */
  workdir?: string;
  /** `user`, `user:group`, `uid` or `uid:gid`. */
  user?: string;
  /** Run with extended privileges. */
  privileged?: boolean;
  /** Key sequence that detaches, e.g. `'ctrl-p,ctrl-q'`. */
  detachKeys?: string;
  /** The TTY's initial size (API 1.42+), for `tty: true`. */
  consoleSize?: TtySize;
  /**
   * Start without attaching (the engine's `Detach`): `start()` resolves once the process
   * started, the output is empty, and `wait()` / `inspect()` follow the process.
   */
  detach?: boolean;
}

/** What `proc.wait()` resolves with. */
export interface ExecExit {
  exitCode: number;
}

/** What `proc.output()` resolves with: the exit code and the output decoded as UTF-8. */
export interface ExecOutput extends ExecExit {
  stdout: string;
  stderr: string;
}

/** The stdin of an exec started with `stdin: true`. */
export interface ExecStdin {
  /** Writes, resolving when the socket took the bytes (backpressure). */
  write(data: Uint8Array | string): Promise<void>;
  /** Half-closes stdin: the process sees EOF; its output keeps coming until it exits. */
  end(): Promise<void>;
}

interface StartedExec {
  id: string;
  /** The hijacked connection; none for a detached exec. */
  conn: HijackedConnection | undefined;
}

const POLL_MS_MAX = 200;

/**
 * A process run in a container by `container.exec()`, like `child_process.spawn`: it is
 * returned at once; the exec is created and started on first use (reading, `stdin.write`,
 * `start`, `wait`, `output`, `resize`, `inspect`), and errors surface on that first `await`.
 * When its output ends, the engine is asked about the exec: if it cannot be reached (it
 * died, and its socket closed like a normal end), reading throws `ConnectionError`, never
 * a silent end. Aborting `signal` makes reading throw `AbortError`, like every stream.
 *
 * @example
 * ```ts
 * const proc = c.exec(['sh', '-c', 'cat; echo done >&2'], { stdin: true });
 * await proc.stdin.write('abc');
 * await proc.stdin.end();
 * for await (const { stream, data } of proc) process[stream].write(data);
 * const { exitCode } = await proc.wait();
 * ```
 */
export class ExecProcess extends OutputReader {
  /** stdin; its methods throw unless the exec was made with `stdin: true`. */
  readonly stdin: ExecStdin;
  readonly #transport: Transport;
  readonly #containerId: string;
  readonly #cmd: string[];
  readonly #options: ExecOptions;
  readonly #output: ProcessOutput;
  #started: Promise<StartedExec> | undefined;
  #exit: Promise<ExecExit> | undefined;

  /** @internal Use `container.exec()`. */
  constructor(transport: Transport, containerId: string, cmd: string[], options: ExecOptions) {
    super();
    if (cmd.length === 0) throw new TypeError('exec needs a command: a non-empty array like ["ls", "/"].');
    this.#transport = transport;
    this.#containerId = containerId;
    this.#cmd = cmd;
    this.#options = options;
    this.#output = new ProcessOutput(
      async (signal) => {
        const { conn } = await this.#start();
        if (conn === undefined) return noChunks();
        linkAbort(signal, () => conn.close());
        // The exec's own Tty is the fallback: no lookup needed.
        const framing = await new FramingRule(transport, async () => options.tty === true).ofHijack(conn.mediaType, signal);
        return chunksOf(conn.output, framing);
      },
      options,
      (signal) => this.#exitAfterOutput(signal),
    );
    this.stdin = {
      write: async (data) => (await this.#stdin()).write(data),
      end: async () => (await this.#stdin()).end(),
    };
  }

  /** The exec's ID, once it was created. */
  async id(): Promise<string> {
    return (await this.#start()).id;
  }

  /** Creates and starts the exec if no use did yet; resolves once it started (attached, or detached with `detach: true`). */
  async start(): Promise<void> {
    await this.#start();
  }

  /** `GET /exec/{id}/json`: the exec as the engine knows it (`Running`, `ExitCode`, `Pid`, ...). */
  async inspect(options: CallOptions = {}): Promise<ExecInspectResponse> {
    const { id } = await this.#start();
    return this.#inspect(id, options);
  }

  /** @internal */
  protected override get processOutput(): ProcessOutput {
    return this.#output;
  }

  /**
   * Resolves with the exit code once the output is drained (read by you, or dropped here if
   * no one reads it) and the engine reports the process ended.
   */
  async wait(options: CallOptions = {}): Promise<ExecExit> {
    await this.#start();
    await this.#output.drain();
    return this.#waitExit({ signal: options.signal ?? this.#options.signal, timeout: options.timeout });
  }

  /** Reads all output, decoded as UTF-8 per stream, and the exit code. */
  async output(): Promise<ExecOutput> {
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    const parts: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
    for await (const { stream, data } of this) parts[stream].push(decoders[stream].decode(data, { stream: true }));
    const { exitCode } = await this.wait();
    return {
      exitCode,
      stdout: parts.stdout.join('') + decoders.stdout.decode(),
      stderr: parts.stderr.join('') + decoders.stderr.decode(),
    };
  }

  /** `POST /exec/{id}/resize?h=…&w=…`: the TTY size of an exec made with `tty: true`. */
  async resize(size: TtySize, options: CallOptions = {}): Promise<void> {
    const { id } = await this.#start();
    await callUnit(this.#transport, { method: 'POST', path: enginePath`/exec/${id}/resize`, query: { h: size.h, w: size.w } }, options);
  }

  /** Closes the connection (the process itself runs on until it exits). */
  async close(): Promise<void> {
    await this.#output.close();
    if (this.#started) (await this.#started.catch(() => undefined))?.conn?.close();
  }

  #stdin(): Promise<HijackedConnection> {
    if (!this.#options.stdin) throw new TypeError('This exec was made without stdin: pass { stdin: true } to exec().');
    if (this.#options.detach) throw new TypeError('A detached exec has no stdin to write to: leave out { detach: true }.');
    return this.#start().then((started) => started.conn as HijackedConnection);
  }

  #start(): Promise<StartedExec> {
    this.#started ??= this.#create();
    return this.#started;
  }

  #inspect(id: string, options: CallOptions): Promise<ExecInspectResponse> {
    return callJson(this.#transport, { method: 'GET', path: enginePath`/exec/${id}/json` }, options);
  }

  /** Polls `GET /exec/{id}/json` until the engine reports the exit (recorded a moment after the output ends); once. */
  #waitExit(options: CallOptions): Promise<ExecExit> {
    this.#exit ??= (async () => {
      const { id } = await this.#start();
      for (let delay = 2; ; delay = Math.min(delay * 2, POLL_MS_MAX)) {
        const info = await this.#inspect(id, options);
        if (!info.Running && typeof info.ExitCode === 'number') return { exitCode: info.ExitCode };
        await sleep(delay, options.signal);
      }
    })();
    const exit = this.#exit;
    exit.catch(() => {
      if (this.#exit === exit) this.#exit = undefined;
    });
    return exit;
  }

  /**
   * After the output ended by itself: a clean close of the connection looks the same whether
   * the process ended or the engine went away (a killed engine's kernel closes the socket
   * cleanly), so the engine is asked once. Unreachable, the output throws `ConnectionError`;
   * an exit it already knows is kept for `wait()`.
   */
  async #exitAfterOutput(signal: AbortSignal): Promise<void> {
    if (this.#options.detach) return;
    const { id } = await this.#start();
    let info: ExecInspectResponse;
    try {
      info = await this.#inspect(id, { signal });
    } catch (err) {
      if (err instanceof ConnectionError) {
        throw new ConnectionError(`The connection to the engine closed before the exit of the exec in container ${this.#containerId} was known: ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
    if (!info.Running && typeof info.ExitCode === 'number') this.#exit ??= Promise.resolve({ exitCode: info.ExitCode });
  }

  /** `POST /containers/{id}/exec`, then `POST /exec/{id}/start`: hijacked, or plain with `detach: true`. */
  async #create(): Promise<StartedExec> {
    const { stdin, tty, env, workdir, user, privileged, detachKeys, consoleSize, detach, signal } = this.#options;
    const console = consoleSize === undefined ? undefined : [consoleSize.h, consoleSize.w];
    const body: ContainerExecBody = {
      AttachStdin: stdin === true && detach !== true,
      AttachStdout: detach !== true,
      AttachStderr: detach !== true,
      Tty: tty === true,
      Cmd: this.#cmd,
      Env: env === undefined || Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`),
      WorkingDir: workdir,
      User: user,
      Privileged: privileged,
      DetachKeys: detachKeys,
      ConsoleSize: console,
    };
    const gate = needs(this.#options, { consoleSize: '1.42' });
    const created = await callJson<IDResponse>(
      this.#transport,
      { method: 'POST', path: enginePath`/containers/${this.#containerId}/exec`, body, needs: gate },
      { signal, timeout: this.#options.timeout },
    );
    const id = created.Id;
    const start = { method: 'POST' as const, path: enginePath`/exec/${id}/start`, body: { Detach: detach === true, Tty: tty === true, ConsoleSize: console } };
    if (detach) {
      await callUnit(this.#transport, start, { signal, timeout: this.#options.timeout });
      return { id, conn: undefined };
    }
    return { id, conn: await callHijack(this.#transport, start, this.#options) };
  }
}

async function* noChunks(): AsyncGenerator<never> {
  // A detached exec's output goes nowhere the SDK can read.
}
