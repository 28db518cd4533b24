import { jsonStream as decodeJsonStream, type JsonStreamOptions, type ProgressMessage } from '@dockyard/stream';
import {
  type HijackedConnection,
  type RequestOptions,
  type Transport,
  type TransportResponse,
  CallDeadline,
} from '@dockyard/transport';
import type { CallOptions, StreamOptions } from '../call-options.js';
import { LazyStream } from '../lazy-stream.js';
import { ProgressStream, type ProgressSummary } from '../progress-stream.js';
import { type VersionNeeds, assertVersion } from './version-gate.js';

/**
 * One Engine API operation as data: the HTTP call it makes. Every method of every resource
 * builds one of these and hands it to one of the handlers below, which own what every caller
 * would otherwise repeat: the version gate, deadlines (the whole call, or a stream's head),
 * abort wiring and error mapping.
 */
export interface Operation extends Omit<RequestOptions, 'signal' | 'timeout' | 'versioned'> {
  /** Options the caller set that need a newer engine (see `needs`): refused before sending. */
  needs?: VersionNeeds;
  /**
   * The engine answers only when something outside the SDK's control happened (a container
   * stopped, an archive was unpacked, disk usage was summed): no deadline unless the caller
   * sets `timeout` on this call, whatever the client's `timeout` is.
   */
  slow?: boolean;
  /** `false` for the unversioned `/_ping`; every other path gets the `/v1.xx` prefix. */
  versioned?: false;
}

/** An operation, or a function that makes it when the call starts (e.g. after a credential lookup). */
export type OperationSource = Operation | ((signal: AbortSignal) => Promise<Operation>);

/** JSON value: the whole call (request, head and body) within `timeout`. */
export function callJson<T>(transport: Transport, op: OperationSource, options: CallOptions = {}): Promise<T> {
  return withinDeadline(transport, op, options, 'call', (res) => res.json<T>());
}

/** No body (or one nobody needs): resolves once the engine answered; 304 counts as success. */
export function callUnit(transport: Transport, op: OperationSource, options: CallOptions = {}): Promise<void> {
  return withinDeadline(transport, op, options, 'call', (res) => res.dump());
}

/**
 * The response itself, for the few operations whose answer is in the head (e.g. `HEAD`
 * archive stat): the deadline covers the head, and `read` (which must consume the body).
 */
export function callResponse<T>(
  transport: Transport,
  op: OperationSource,
  options: CallOptions,
  read: (res: TransportResponse) => Promise<T>,
): Promise<T> {
  return withinDeadline(transport, op, options, 'call', read);
}

/**
 * A streaming response, head included, for the streams that read their head (log framing
 * from `Content-Type`, an archive's path stat header): opened with `signal` (the stream's
 * own, see `LazyStream`) and a head-only deadline. Used inside a `LazyStream` source.
 */
export function openStream(transport: Transport, op: OperationSource, options: StreamOptions, signal: AbortSignal): Promise<TransportResponse> {
  return withDeadlineSignal(transport, options, 'head', describe(op), signal, async (linked) => {
    const resolved = typeof op === 'function' ? await op(linked) : op;
    await gate(transport, resolved, linked);
    return transport.request({ ...requestOf(resolved), signal: linked, timeout: 0 });
  }, { keepLinked: true });
}

/** Byte stream: a lazy `for await`-able body; `timeout` bounds only the response head. */
export function streamBytes(transport: Transport, op: OperationSource, options: StreamOptions = {}): LazyStream<Uint8Array> {
  return new LazyStream((signal) => openBody(transport, op, options, signal), options);
}

/** JSON stream (events, stats): one decoded value per item; `json` shapes the decoding (e.g. exact integers). */
export function streamJson<T>(
  transport: Transport,
  op: OperationSource,
  options: StreamOptions & { json?: JsonStreamOptions } = {},
): LazyStream<T> {
  return new LazyStream(async (signal) => decodeJsonStream<T>(await openBody(transport, op, options, signal), options.json), options);
}

/**
 * A JSON stream opened now, for a caller that runs its own loop over successive connections
 * (events with `reconnect`): resolves once the response head arrived (within `timeout`), with
 * the head's headers and the decoded items; `signal` closes the socket.
 */
export async function openJsonStream<T>(
  transport: Transport,
  op: OperationSource,
  options: StreamOptions & { json?: JsonStreamOptions },
  signal: AbortSignal,
): Promise<{ headers: TransportResponse['headers']; items: AsyncIterableIterator<T> }> {
  const res = await openStream(transport, op, options, signal);
  return { headers: res.headers, items: decodeJsonStream<T>(res.body, options.json) };
}

/** Progress stream (pull, push, build, load): in-band `errorDetail` throws; `done()` gives the result. */
export function streamProgress<T extends ProgressMessage, R>(
  transport: Transport,
  op: OperationSource,
  result: (summary: ProgressSummary<T>) => R,
  options: StreamOptions & { onMessage?: (message: T) => void } = {},
): ProgressStream<T, R> {
  return new ProgressStream<T, R>((signal) => openBody(transport, op, options, signal), result, options);
}

/**
 * Hijacked duplex (attach, exec start): `timeout` bounds the upgrade; the connection then
 * lives until either side closes it or `signal` aborts.
 */
export async function callHijack(transport: Transport, op: Operation, options: StreamOptions = {}): Promise<HijackedConnection> {
  if (op.method !== 'POST' && op.method !== 'GET') throw new TypeError(`A hijack is a POST or GET, not ${op.method}.`);
  const { method } = op;
  let unlink: () => void = () => undefined;
  const conn = await withDeadlineSignal(
    transport,
    options,
    'head',
    `${op.method} ${op.path}`,
    options.signal,
    async (signal) => {
      await gate(transport, op, signal);
      return transport.hijack({ method, path: op.path, query: op.query, body: op.body, headers: op.headers, signal, versioned: op.versioned });
    },
    { keepLinked: true, onLinked: (fn) => (unlink = fn) },
  );
  return unlinkingWhenDone(conn, unlink);
}

// The caller's signal stays linked while the connection lives, and no longer: a signal shared
// by many execs over a long time must not collect one listener per finished exec.
function unlinkingWhenDone(conn: HijackedConnection, unlink: () => void): HijackedConnection {
  const output = conn.output;
  return {
    statusCode: conn.statusCode,
    headers: conn.headers,
    mediaType: conn.mediaType,
    output: {
      [Symbol.asyncIterator]() {
        const inner = output[Symbol.asyncIterator]();
        return {
          next: () =>
            inner.next().then(
              (step) => {
                if (step.done) unlink();
                return step;
              },
              (err: unknown) => {
                unlink();
                throw err;
              },
            ),
          return: async (value?: unknown) => {
            unlink();
            return (await inner.return?.(value)) ?? { done: true, value: undefined };
          },
        };
      },
    },
    write: (data) => conn.write(data),
    end: () => conn.end(),
    close: () => {
      unlink();
      conn.close();
    },
  };
}

// The body of a streaming response, opened under a head-only deadline; `signal` is the stream's own.
async function openBody(transport: Transport, source: OperationSource, options: StreamOptions, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
  return (await openStream(transport, source, options, signal)).body;
}

// What the transport takes from an operation (the handler-only fields left out).
function requestOf(op: Operation): RequestOptions {
  const { needs: _needs, slow: _slow, ...request } = op;
  return request;
}

async function withinDeadline<T>(
  transport: Transport,
  source: OperationSource,
  options: CallOptions,
  kind: 'call',
  read: (res: TransportResponse) => Promise<T>,
): Promise<T> {
  // A slow operation (known only once a function source ran, so decided from the plain one)
  // has no deadline unless the caller set one.
  const slow = typeof source !== 'function' && source.slow === true;
  const deadline = slow && options.timeout === undefined ? { ...options, timeout: 0 } : options;
  return withDeadlineSignal(transport, deadline, kind, describe(source), options.signal, async (signal) => {
    const op = typeof source === 'function' ? await source(signal) : source;
    await gate(transport, op, signal);
    return read(await transport.request({ ...requestOf(op), signal, timeout: 0 }));
  });
}

// Runs `run` under one deadline (transport's CallDeadline: the same timer and messages as
// `transport.request`): its signal aborts when the caller's does or when the time is up, and a
// passed deadline surfaces as its TimeoutError whatever the abort looked like.
async function withDeadlineSignal<T>(
  transport: Transport,
  options: { timeout?: number },
  kind: 'call' | 'head',
  request: string,
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
  { keepLinked = false, onLinked }: { keepLinked?: boolean; onLinked?: (unlink: () => void) => void } = {},
): Promise<T> {
  const deadline = new CallDeadline(signal, options.timeout ?? transport.timeout, request);
  onLinked?.(() => deadline.end());
  try {
    const value = await run(deadline.signal);
    // A stream's body and a hijacked connection keep listening to the caller's signal; only
    // the head was timed.
    if (keepLinked && kind === 'head') deadline.stopTimer();
    else deadline.end();
    return value;
  } catch (err) {
    deadline.end();
    throw deadline.expired ?? err;
  }
}

// The version gate, honouring the signal while the (shared, once-only) negotiation runs.
async function gate(transport: Transport, op: Operation, signal: AbortSignal): Promise<void> {
  if (op.needs === undefined || op.needs.length === 0) return;
  const version = transport.apiVersion ?? (await transport.negotiate({ signal }));
  assertVersion(version, op.needs, `${op.method} ${op.path}`);
}

function describe(source: OperationSource): string {
  return typeof source === 'function' ? 'the request' : `${source.method} ${source.path}`;
}

