import { AbortError, ConnectionError, DockerError, type Transport, createConnector, encodeQuery, enginePath } from '@dockyard/transport';
import type { Agent, WebSocket } from 'undici';
import type { StreamOptions } from '../call-options.js';
import { callJson } from '../operation/handlers.js';
import { assertVersion, needs } from '../operation/version-gate.js';

/** `container.attachWebSocket(options)`: the query of `GET /containers/{id}/attach/ws`. */
export interface AttachWebSocketOptions extends StreamOptions {
  /** Replay the container's log before the live output. */
  logs?: boolean;
  /** Stream live output (default true: without it the engine sends only `logs`). */
  stream?: boolean;
  /** The key sequence that detaches, e.g. `ctrl-p,ctrl-q`. */
  detachKeys?: string;
  /** Attach only these streams (API 1.42+; older engines always attach all three). */
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

const encoder = new TextEncoder();

/**
 * A container attached over a WebSocket (`GET /containers/{id}/attach/ws`), as browsers and
 * proxies that pass WebSockets but not raw upgrades need it. The engine never multiplexes it:
 * `for await` gives the output bytes as they come (stdout and stderr mixed), {@link send}
 * writes to stdin. `break`, {@link close}, the `signal` or `await using` close it.
 *
 * @example
 * ```ts
 * await using ws = await c.attachWebSocket({ stream: true });
 * await ws.send('echo hi\n');
 * for await (const bytes of ws) process.stdout.write(bytes);
 * ```
 */
export class AttachWebSocket implements AsyncIterable<Uint8Array>, AsyncDisposable {
  readonly #ws: WebSocket;
  readonly #agent: Agent;
  readonly #queue: Uint8Array[] = [];
  #ended = false;
  #error: unknown;
  #wake: (() => void) | undefined;
  #taken = false;
  readonly #unlink: () => void;

  /** @internal Use `container.attachWebSocket()`. */
  constructor(ws: WebSocket, agent: Agent, signal: AbortSignal | undefined) {
    this.#ws = ws;
    this.#agent = agent;
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (ev) => {
      this.#queue.push(typeof ev.data === 'string' ? encoder.encode(ev.data) : new Uint8Array(ev.data as ArrayBuffer));
      this.#notify();
    });
    ws.addEventListener('close', () => this.#finish());
    ws.addEventListener('error', () => this.#finish(new ConnectionError('The attach WebSocket failed; the engine or the connection dropped it.')));
    const onAbort = (): void => {
      this.#finish(new AbortError('The attach WebSocket was aborted by its AbortSignal; its connection was closed.', { cause: signal?.reason }));
      void this.close();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#unlink = () => signal?.removeEventListener('abort', onAbort);
  }

  /** Sends bytes (or UTF-8 text) to the container's stdin. */
  async send(data: string | Uint8Array): Promise<void> {
    if (this.#ended) throw new ConnectionError('The attach WebSocket is closed.');
    this.#ws.send(typeof data === 'string' ? encoder.encode(data) : data);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#taken) throw new TypeError('This WebSocket attach was already iterated: each is read once.');
    this.#taken = true;
    return {
      next: async () => {
        for (;;) {
          const bytes = this.#queue.shift();
          if (bytes) return { done: false, value: bytes };
          if (this.#ended) {
            if (this.#error !== undefined) throw this.#error;
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => (this.#wake = resolve));
        }
      },
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /** Closes the WebSocket and its connection at once; safe to call more than once. */
  async close(): Promise<void> {
    this.#finish();
    if (this.#ws.readyState === this.#ws.CONNECTING || this.#ws.readyState === this.#ws.OPEN) this.#ws.close();
    await this.#agent.destroy().catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #finish(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#unlink();
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Opens `GET /containers/{id}/attach/ws` on its own connection to the client's endpoint
 * (unix, tcp, TLS or ssh alike). A refused handshake says nothing about why, so the
 * container is inspected then: a missing one throws the engine's `NotFoundError`.
 */
export async function attachWebSocket(transport: Transport, id: string, options: AttachWebSocketOptions = {}): Promise<AttachWebSocket> {
  const path = enginePath`/containers/${id}/attach/ws`;
  const version = transport.apiVersion ?? (await transport.negotiate());
  assertVersion(version, needs(options, { stdin: '1.42', stdout: '1.42', stderr: '1.42' }), `GET ${path}`);
  const { logs, stream = true, detachKeys, stdin, stdout, stderr } = options;
  const query = encodeQuery({ logs, stream, detachKeys, stdin, stdout, stderr });
  options.signal?.throwIfAborted();
  // undici is loaded here, on the first WebSocket attach: nothing else of dockyard needs it.
  const { Agent, WebSocket } = await import('undici');
  const agent = new Agent({ connect: createConnector(transport.endpoint) });
  // The connector makes the connection (TLS and ssh included): the URL only carries the path.
  const ws = new WebSocket(`ws://docker/v${version}${path}${query}`, { dispatcher: agent });
  const opened = await new Promise<boolean>((resolve) => {
    ws.addEventListener('open', () => resolve(true), { once: true });
    ws.addEventListener('error', () => resolve(false), { once: true });
    ws.addEventListener('close', () => resolve(false), { once: true });
  });
  const attached = new AttachWebSocket(ws, agent, options.signal);
  if (opened) return attached;
  await attached.close();
  // The handshake failed: the container's inspect says why when it is the container.
  await callJson(transport, { method: 'GET', path: enginePath`/containers/${id}/json` }, { signal: options.signal });
  throw new DockerError(`The engine refused the WebSocket attach to container ${id} (GET ${path}).`);
}
