import type { HijackedConnection, Transport } from '@dockyard/transport';
import { chunksOf } from '../framing.js';
import type { ExecInspectResponse } from '../generated/engine-api.js';
import type { StreamOptions } from '../lazy-stream.js';
import type { CallOptions, TtySize } from '../containers/options.js';
import { OutputReader, ProcessOutput } from './exec-output.js';
import { sleep } from '../sleep.js';

/** Options of `container.exec(cmd, options)`. */
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
  privileged?: boolean;
  /** Key sequence that detaches, e.g. `'ctrl-p,ctrl-q'`. */
  detachKeys?: string;
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
  conn: HijackedConnection;
}

const POLL_MS_MAX = 200;

/**
 * A process run in a container by `container.exec()`, like `child_process.spawn`: it is
 * returned at once; the exec is created and started on first use (reading, `stdin.write`,
 * `wait`, `output`, `resize`), and errors surface on that first `await`.
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

  /** @internal Use `container.exec()`. */
  constructor(transport: Transport, containerId: string, cmd: string[], options: ExecOptions) {
    super();
    if (cmd.length === 0) throw new TypeError('exec needs a command: a non-empty array like ["ls", "/"].');
    this.#transport = transport;
    this.#containerId = containerId;
    this.#cmd = cmd;
    this.#options = options;
    this.#output = new ProcessOutput(async (signal) => {
      const { conn } = await this.#start();
      signal.addEventListener('abort', () => conn.close(), { once: true });
      return chunksOf(conn.output, options.tty ? 'raw' : 'multiplexed');
    }, options);
    this.stdin = {
      write: async (data) => (await this.#stdin()).write(data),
      end: async () => (await this.#stdin()).end(),
    };
  }

  /** The exec's ID, once it was created. */
  async id(): Promise<string> {
    return (await this.#start()).id;
  }

  protected override get processOutput(): ProcessOutput {
    return this.#output;
  }

  /**
   * Resolves with the exit code once the output is drained (read by you, or dropped here if
   * no one reads it) and the engine reports the process ended.
   */
  async wait(options: CallOptions = {}): Promise<ExecExit> {
    const { id } = await this.#start();
    await this.#output.drain();
    const signal = options.signal ?? this.#options.signal;
    // The output ends when the process closes it; the engine records the exit a moment later.
    for (let delay = 2; ; delay = Math.min(delay * 2, POLL_MS_MAX)) {
      const res = await this.#transport.request({ method: 'GET', path: `/exec/${encodeURIComponent(id)}/json`, signal });
      const info = await res.json<ExecInspectResponse>();
      if (!info.Running && typeof info.ExitCode === 'number') return { exitCode: info.ExitCode };
      await sleep(delay, signal);
    }
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

  /** `POST /exec/{id}/resize`: the TTY size of an exec made with `tty: true`. */
  async resize(size: TtySize, options: CallOptions = {}): Promise<void> {
    const { id } = await this.#start();
    const res = await this.#transport.request({
      method: 'POST',
      path: `/exec/${encodeURIComponent(id)}/resize`,
      query: { h: size.h, w: size.w },
      signal: options.signal,
    });
    await res.dump();
  }

  /** Closes the connection (the process itself runs on until it exits). */
  async close(): Promise<void> {
    await this.#output.close();
    if (this.#started) (await this.#started.catch(() => undefined))?.conn.close();
  }

  #stdin(): Promise<HijackedConnection> {
    if (!this.#options.stdin) throw new TypeError('This exec was made without stdin: pass { stdin: true } to exec().');
    return this.#start().then((started) => started.conn);
  }

  #start(): Promise<StartedExec> {
    this.#started ??= this.#create();
    return this.#started;
  }

  /** `POST /containers/{id}/exec`, then `POST /exec/{id}/start` over a hijacked connection. */
  async #create(): Promise<StartedExec> {
    const { stdin, tty, env, workdir, user, privileged, detachKeys, signal } = this.#options;
    const created = await this.#transport.request({
      method: 'POST',
      path: `/containers/${encodeURIComponent(this.#containerId)}/exec`,
      body: {
        AttachStdin: stdin === true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: tty === true,
        Cmd: this.#cmd,
        Env: env === undefined || Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`),
        WorkingDir: workdir,
        User: user,
        Privileged: privileged,
        DetachKeys: detachKeys,
      },
      signal,
    });
    const { Id } = await created.json<{ Id: string }>();
    const conn = await this.#transport.hijack({
      method: 'POST',
      path: `/exec/${encodeURIComponent(Id)}/start`,
      body: { Detach: false, Tty: tty === true },
      signal,
    });
    return { id: Id, conn };
  }
}
