import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';

/** Options of {@link startPrivateEngine}. */
export interface PrivateEngineOptions {
  /** More `dockerd` flags. */
  args?: string[];
  /** How long a start may take before it fails, in ms (default 60 000). */
  startTimeout?: number;
}

/** A `dockerd` of the test's own: its own data, exec root, pidfile and socket, in its own network namespace. */
export interface PrivateEngine {
  /** The folder holding everything of this engine (short, under /tmp, for containerd's socket paths). */
  readonly root: string;
  readonly socketPath: string;
  /** `unix://<socketPath>`, for `new Docker({ host })`. */
  readonly host: string;
  /** The running dockerd's PID, or undefined while it is stopped. */
  readonly pid: number | undefined;
  /** `performance.now()` when the engine last answered `_ping` after a start. */
  readonly readyAt: number;
  /** Starts it again after {@link PrivateEngine.stop}; resolves once it answers `_ping`. */
  start(): Promise<void>;
  /** Sends `signal` to dockerd (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits until it exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Stops it, ends its containerd, unmounts and removes its folder, and checks the shared `docker0`. */
  close(): Promise<void>;
}

/**
 * Starts a private `dockerd` for tests that kill and restart an engine (the shared one is never
 * touched): `--data-root`, `--exec-root`, `--pidfile` and a `-H unix://` socket under a fresh
 * `/tmp/dy-<random>`, `--bridge=none --iptables=false`, vfs storage, its own containerd.
 * Containers on it need `HostConfig.NetworkMode: 'none'` (it has no bridge).
 *
 * Why its own network namespace (`unshare --net`): a dockerd started with `--bridge=none`
 * deletes any `docker0` link at start-up (moby's `removeDefaultBridgeInterface`), which in the
 * host's namespace is the shared engine's bridge. {@link PrivateEngine.close} still checks
 * `docker0` against its state before the start and recreates it (same address) if it vanished.
 */
export async function startPrivateEngine(options: PrivateEngineOptions = {}): Promise<PrivateEngine> {
  const root = `/tmp/dy-${randomBytes(4).toString('hex')}`;
  mkdirSync(root, { recursive: true });
  const socketPath = join(root, 'docker.sock');
  const docker0 = docker0Address();
  const args = [
    '--net',
    'dockerd',
    `--data-root=${join(root, 'data')}`,
    `--exec-root=${join(root, 'exec')}`,
    `--pidfile=${join(root, 'docker.pid')}`,
    `-H=unix://${socketPath}`,
    '--bridge=none',
    '--iptables=false',
    '--ip-masq=false',
    '--storage-driver=vfs',
    `--config-file=${join(root, 'daemon.json')}`,
    ...(options.args ?? []),
  ];
  execFileSync('sh', ['-c', `echo '{}' > ${join(root, 'daemon.json')}`]);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let readyAt = 0;

  const start = async (): Promise<void> => {
    if (child !== undefined) throw new Error('The private engine is already running.');
    const log = openSync(join(root, 'dockerd.log'), 'a');
    const proc = spawn('unshare', args, { stdio: ['ignore', log, log] });
    closeSync(log);
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void exited.then(() => {
      if (child === proc) child = undefined;
    });
    const deadline = performance.now() + (options.startTimeout ?? 60_000);
    for (;;) {
      if (child !== proc) throw new Error(`The private dockerd exited at start; see ${join(root, 'dockerd.log')}:\n${tail(join(root, 'dockerd.log'))}`);
      if (await pings(socketPath)) break;
      if (performance.now() > deadline) throw new Error(`The private dockerd did not answer within its start timeout; see ${join(root, 'dockerd.log')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    readyAt = performance.now();
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const proc = child;
    if (proc === undefined) return;
    const containerd = readPid(join(root, 'exec', 'containerd', 'containerd.pid'));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    // Its containerd follows it (parent-death signal) but may linger as a zombie until init reaps
    // it; a dockerd started meanwhile takes it for alive and waits on its dead socket for good.
    // So: wait until it is dead, then drop its pidfile so the next start launches a new one.
    const until = performance.now() + 10_000;
    while (containerd !== undefined && alive(containerd) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    if (containerd !== undefined && !alive(containerd)) rmSync(join(root, 'exec', 'containerd', 'containerd.pid'), { force: true });
  };

  const close = async (): Promise<void> => {
    await stop('SIGTERM');
    // A dockerd killed with SIGKILL leaves its containerd (and the shims) running: end them, by their PIDs.
    const containerdPid = readPid(join(root, 'exec', 'containerd', 'containerd.pid'));
    for (const pid of [...shimPids(root), ...(containerdPid === undefined ? [] : [containerdPid])]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const target of mountsUnder(root).reverse()) {
      try {
        execFileSync('umount', ['-l', target]);
      } catch {
        // already unmounted
      }
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    restoreDocker0(docker0);
  };

  await start();
  return {
    root,
    socketPath,
    host: `unix://${socketPath}`,
    get pid() {
      return child?.pid;
    },
    get readyAt() {
      return readyAt;
    },
    start,
    stop,
    close,
  };
}

async function pings(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return false;
  const client = new Client('http://localhost', { socketPath });
  try {
    const res = await client.request({ method: 'GET', path: '/_ping', headersTimeout: 2000, bodyTimeout: 2000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

/** The shared engine's `docker0` address (e.g. `172.17.0.1/16`), or undefined when there is none. */
export function docker0Address(): string | undefined {
  try {
    const out = execFileSync('ip', ['-o', '-4', 'addr', 'show', 'dev', 'docker0'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /inet (\S+)/.exec(out)?.[1] ?? '';
  } catch {
    return undefined;
  }
}

/** Recreates `docker0` with its former address if it existed before and is gone now; true when it had to. */
export function restoreDocker0(before: string | undefined): boolean {
  if (before === undefined || docker0Address() !== undefined) return false;
  execFileSync('ip', ['link', 'add', 'docker0', 'type', 'bridge']);
  if (before !== '') execFileSync('ip', ['addr', 'add', before, 'dev', 'docker0']);
  execFileSync('ip', ['link', 'set', 'docker0', 'up']);
  return true;
}

// Running, and not a zombie waiting to be reaped.
function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

// containerd shims of this engine: their command line names its containerd socket under `root`.
function shimPids(root: string): number[] {
  const pids: number[] = [];
  for (const entry of safeList('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith('/usr/bin/containerd-shim') && cmd.includes(`${root}/`)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

function safeList(dir: string): string[] {
  try {
    return execFileSync('ls', [dir], { encoding: 'utf8' }).split('\n');
  } catch {
    return [];
  }
}

function mountsUnder(root: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((target) => target.startsWith(`${root}/`));
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}
