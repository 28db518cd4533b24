import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { engineSocketPath } from '@dockyard/testkit';

/** A helper process a test started (socat, sshd) and must stop, even when the test fails. */
export interface HelperProcess {
  readonly child: ChildProcess;
  /** What it wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Kills it (SIGTERM, then SIGKILL) and waits for the exit. Safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Last line of defence: a worker that dies mid-test still takes its helpers along.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns a helper process and tracks it so that it is killed on `stop()` or process exit. */
export function startHelper(command: string, args: string[]): HelperProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8192);
  });
  child.on('error', (error) => {
    stderr += `\nspawn error: ${error.message}`;
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('close', () => running.delete(child));
  return {
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** A TCP port that was free a moment ago on `host`. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts TCP connections on host:port; rejects if `helper` exits first. */
export async function waitForPort(host: string, port: number, helper: HelperProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (helper.child.exitCode !== null) throw new Error(`helper exited (${helper.child.exitCode}): ${helper.stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nothing listens on ${host}:${port}: ${helper.stderr()}`);
}

/** Whether this machine has an IPv6 loopback (`::1`) to listen on. */
export async function hasIpv6Loopback(): Promise<boolean> {
  const server = net.createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

/** A plain TCP listener in front of the engine's unix socket: `socat TCP-LISTEN … UNIX-CONNECT`. */
export interface TcpProxy extends HelperProcess {
  host: string;
  port: number;
}

/** Starts socat on `host` (127.0.0.1 or ::1) and a free port, forwarding to the engine socket. */
export async function startTcpProxy(host: '127.0.0.1' | '::1' = '127.0.0.1'): Promise<TcpProxy> {
  const port = await freePort(host);
  const listen = host === '::1' ? `TCP6-LISTEN:${port},bind=[::1],reuseaddr,fork` : `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`;
  const helper = startHelper('socat', [listen, `UNIX-CONNECT:${engineSocketPath()}`]);
  try {
    await waitForPort(host, port, helper);
  } catch (error) {
    await helper.stop();
    throw error;
  }
  return { ...helper, host, port };
}
