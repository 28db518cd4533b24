import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineSocketPath } from '@dockyard/testkit';

/**
 * The real engine behind a unix-socket relay that can "die" the way a `kill -9`ed engine
 * does: every connection is closed cleanly (FIN, as the kernel closes a dead process's
 * sockets) and nothing answers at its address any more. The engine itself runs on.
 */
export interface DyingEngine {
  /** `unix://…` of the relay. */
  host: string;
  /** Closes every relayed connection cleanly and stops listening. */
  die(): Promise<void>;
}

/** Starts a relay to the engine under test's socket (DOCKER_HOST, else `/var/run/docker.sock`). */
export async function dyingEngine(target = engineSocketPath()): Promise<DyingEngine> {
  const path = join(tmpdir(), `dockyard-dying-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target);
    open.add(client);
    open.add(upstream);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    host: `unix://${path}`,
    async die() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) {
          socket.unpipe();
          socket.end();
        }
      });
      rmSync(path, { force: true });
      for (const socket of open) socket.destroy();
    },
  };
}
