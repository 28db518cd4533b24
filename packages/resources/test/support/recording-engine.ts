import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
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
  /** Record the request and never answer (a container that never stops, an engine that stalls). */
  stall?: boolean;
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
  /** The pings (`/_ping`, negotiation's and the caller's), in order. */
  pings: Array<{ method: string; path: string }>;
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
  const pings: Array<{ method: string; path: string }> = [];
  let answer: CannedResponse | ((req: RecordedRequest) => CannedResponse) = { body: {} };
  const record = (req: IncomingMessage, bodyBytes: Buffer): RecordedRequest => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const match = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    const body = bodyBytes.toString('utf8');
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
    return recorded;
  };
  const hijacked = new Set<Duplex>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      const pathname = new URL(req.url ?? '/', 'http://engine').pathname;
      if (pathname === '/_ping' || /^\/v[\d.]+\/_ping$/.test(pathname)) {
        pings.push({ method: req.method ?? '', path: pathname });
        res.writeHead(200, { 'API-Version': options.apiVersion ?? '1.41', 'Content-Type': 'text/plain' });
        res.end(req.method === 'HEAD' ? undefined : 'OK');
        return;
      }
      const recorded = record(req, Buffer.concat(parts));
      const canned = typeof answer === 'function' ? answer(recorded) : answer;
      if (canned.stall) return;
      const payload = canned.body === undefined ? '' : typeof canned.body === 'string' || canned.body instanceof Uint8Array ? canned.body : JSON.stringify(canned.body);
      res.writeHead(canned.status ?? 200, {
        'Content-Type': typeof canned.body === 'object' && !(canned.body instanceof Uint8Array) ? 'application/json' : 'text/plain',
        ...canned.headers,
      });
      res.end(payload);
    });
  });
  // A hijack (attach, exec start): recorded like any request, answered `101 UPGRADED` with the
  // canned body as the raw output, then closed (as the engine closes when the output ends).
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The client may close first (an abort): nothing to report.
    socket.on('error', () => undefined);
    hijacked.add(socket);
    const length = Number(req.headers['content-length'] ?? 0);
    const parts: Buffer[] = [head];
    let received = head.length;
    const answerUpgrade = () => {
      socket.removeListener('data', onData);
      const recorded = record(req, Buffer.concat(parts).subarray(0, length));
      const canned = typeof answer === 'function' ? answer(recorded) : answer;
      const headers = { 'Content-Type': 'application/vnd.docker.raw-stream', Connection: 'Upgrade', Upgrade: 'tcp', ...canned.headers };
      socket.write(`HTTP/1.1 ${canned.status ?? 101} UPGRADED\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
      // Stalled: upgraded, then silent (a process that writes nothing).
      if (canned.stall) return;
      const payload = canned.body === undefined ? '' : typeof canned.body === 'string' || canned.body instanceof Uint8Array ? canned.body : JSON.stringify(canned.body);
      socket.end(payload);
    };
    const onData = (b: Buffer) => {
      parts.push(b);
      received += b.length;
      if (received >= length) answerUpgrade();
    };
    if (received >= length) answerUpgrade();
    else socket.on('data', onData);
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
      for (const socket of hijacked) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
    },
  };
}
