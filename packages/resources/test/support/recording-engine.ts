import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker, type DockerOptions } from '../../src/index.js';

/** One request as the recording engine received it. */
export interface RecordedRequest {
  method: string;
  /** The path without the `/v1.xx` prefix and without the query. */
  path: string;
  /** The version prefix, e.g. `'1.41'`, or undefined for unversioned paths. */
  version: string | undefined;
  /** Query parameters, each as the list of its values. */
  query: Record<string, string[]>;
  /** Header names lower-cased. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as text ('' when none). */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

/** What the recording engine answers: status, headers and a body (object → JSON). */
export interface CannedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A fake engine for request table tests (moby's `container_logs_test.go` is the model): it
 * records every request the SDK sends and answers with what the test says, so each
 * operation's method, path, query, body and headers are checked without a real engine. It
 * answers `/_ping` with `API-Version` (1.41 unless told otherwise), as an engine does.
 */
export interface RecordingEngine {
  /** A client talking to this engine. */
  docker: Docker;
  /** Every request except pings, in order. */
  requests: RecordedRequest[];
  /** The method of every `/_ping` it answered, in order (the client's own negotiation pings too). */
  pings: string[];
  /** The last request (not a ping); throws when there was none. */
  last(): RecordedRequest;
  /** Sets the answer for the next requests (default: 200 with `{}`). */
  respond(response: CannedResponse | ((req: RecordedRequest) => CannedResponse)): void;
  close(): Promise<void>;
}

/** Starts a recording engine on a unix socket; `apiVersion` is what its ping reports. */
export async function recordingEngine(options: { apiVersion?: string; docker?: Omit<DockerOptions, 'host'> } = {}): Promise<RecordingEngine> {
  const socketPath = join(tmpdir(), `dockyard-rec-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const requests: RecordedRequest[] = [];
  const pings: string[] = [];
  let answer: CannedResponse | ((req: RecordedRequest) => CannedResponse) = { body: {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://engine');
      const match = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
      if (url.pathname === '/_ping') {
        pings.push(req.method ?? '');
        res.writeHead(200, { 'API-Version': options.apiVersion ?? '1.41', 'Content-Type': 'text/plain' });
        res.end(req.method === 'HEAD' ? undefined : 'OK');
        return;
      }
      const body = Buffer.concat(parts).toString('utf8');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const query: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: match ? (match[2] as string) : url.pathname,
        version: match?.[1],
        query,
        headers: req.headers,
        body,
        json,
      };
      requests.push(recorded);
      const canned = typeof answer === 'function' ? answer(recorded) : answer;
      const payload = canned.body === undefined ? '' : typeof canned.body === 'string' || canned.body instanceof Uint8Array ? canned.body : JSON.stringify(canned.body);
      res.writeHead(canned.status ?? 200, {
        'Content-Type': typeof canned.body === 'object' && !(canned.body instanceof Uint8Array) ? 'application/json' : 'text/plain',
        ...canned.headers,
      });
      res.end(payload);
    });
  });
  // Upgrade requests (a WebSocket attach) are recorded and refused: nothing here speaks them.
  server.on('upgrade', (req: IncomingMessage, socket: import('node:stream').Duplex) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const match = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    requests.push({ method: req.method ?? '', path: match ? (match[2] as string) : url.pathname, version: match?.[1], query, headers: req.headers, body: '', json: undefined });
    const body = '{"message":"the recording engine does not upgrade connections"}';
    socket.end(`HTTP/1.1 501 Not Implemented\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  const docker = new Docker({ ...options.docker, host: `unix://${socketPath}` });
  return {
    docker,
    requests,
    pings,
    last() {
      const r = requests.at(-1);
      if (r === undefined) throw new Error('The recording engine received no request.');
      return r;
    },
    respond(response) {
      answer = response;
    },
    async close() {
      await docker.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
    },
  };
}
