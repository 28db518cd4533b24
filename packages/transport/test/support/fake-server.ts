import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake engine on a unix socket, for the edges no real engine produces on demand (a head cut
 * in the middle, garbage status lines, ...). Not a Docker emulation: each test scripts bytes.
 */
export interface FakeServer {
  socketPath: string;
  /** `unix://<socketPath>`, for `new Transport({ host })`. */
  host: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections currently open. */
  readonly open: number;
  close(): Promise<void>;
}

function socketPathFor(): string {
  return join(tmpdir(), `dockyard-fake-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
}

async function listen(server: Server, socketPath: string, sockets: Set<Socket>): Promise<FakeServer> {
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    host: `unix://${socketPath}`,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
      }),
  };
}

/** A raw byte-level server: `onConnection` scripts what each connection receives. */
export function startRawServer(onConnection: (socket: Socket) => void): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server = createServer(onConnection);
  return listen(server, socketPathFor(), sockets);
}

/** An HTTP/1.1 server (node:http) for request-level fakes, e.g. counting pings. */
export function startHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server = createHttpServer(handler);
  return listen(server as unknown as Server, socketPathFor(), sockets);
}

/** Reads one HTTP request head (and whatever followed it in the same chunks) from a raw socket. */
export function readRequestHead(socket: Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      resolve({ head: buffered.toString('latin1', 0, end), rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}
