import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/**
 * A loopback TCP listener that never accepts and whose accept queue is full, so that a new
 * connect() hangs (Linux drops the SYN) until the caller gives up. Node cannot listen without
 * accepting, so a tiny python3 process holds the socket (listen backlog 0, filled by one
 * connection made here).
 */
export interface UnacceptingListener {
  port: number;
  close(): Promise<void>;
}

const script = `
import socket, sys
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`;

export async function startUnacceptingListener(): Promise<UnacceptingListener> {
  const child: ChildProcess = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  // Fill the accept queue (backlog 0 holds one connection).
  const filler = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    filler.once('connect', resolve);
    filler.once('error', reject);
  });
  return {
    port,
    async close() {
      filler.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      child.kill();
      await exited;
    },
  };
}
