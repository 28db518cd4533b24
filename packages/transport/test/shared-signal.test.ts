import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortError } from '../src/errors.js';
import { Transport } from '../src/transport.js';
import { type FakeServer, readRequestHead, startHttpServer, startRawServer } from './support/fake-server.js';

// A thousand streams on one AbortSignal: a listener each would pass Node's limit of 10 and
// print MaxListenersExceededWarning. Every place that listens (requests, undici, hijacks,
// connects) goes through linkAbort: one listener per signal. A fake engine, so a thousand
// connections cost the shared engine nothing.

const STREAMS = 1_000;
let server: FakeServer | undefined;
let transport: Transport | undefined;
let warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(async () => {
  process.off('warning', onWarning);
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

/** Opens `STREAMS` of them, 100 at a time (a unix socket's backlog refuses a thousand at once). */
async function openAll<T>(open: () => Promise<T>): Promise<T[]> {
  const all: T[] = [];
  while (all.length < STREAMS) all.push(...(await Promise.all(Array.from({ length: 100 }, open))));
  return all;
}
const listenersOn = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;
const maxListenerWarnings = () => warnings.filter((w) => w.name === 'MaxListenersExceededWarning');
// Warnings are emitted on a later tick.
const settle = () => new Promise((r) => setImmediate(r));

describe(`${STREAMS} streams sharing one AbortSignal`, () => {
  it('streamed request bodies: one listener on the signal, no warning, all end with AbortError', async () => {
    server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{}\n');
    });
    transport = new Transport({ host: server.host, env: {}, apiVersion: '1.41' });
    const controller = new AbortController();
    const t = transport;
    const responses = await openAll(() => t.request({ method: 'GET', path: '/events', signal: controller.signal }));
    const readers = responses.map((res) => res.body[Symbol.asyncIterator]());
    await Promise.all(readers.map((r) => r.next()));
    expect(listenersOn(controller.signal)).toBe(1);
    const ends = readers.map((r) => r.next().then(() => undefined, (e: unknown) => e));
    controller.abort();
    const errors = await Promise.all(ends);
    expect(errors.every((e) => e instanceof AbortError)).toBe(true);
    await settle();
    expect(maxListenerWarnings()).toEqual([]);
  });

  it('hijacked connections (attach, exec): one listener on the signal, no warning', async () => {
    server = await startRawServer((socket) => {
      socket.on('error', () => undefined);
      void readRequestHead(socket).then(() => socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n'));
    });
    transport = new Transport({ host: server.host, env: {}, apiVersion: '1.41' });
    const controller = new AbortController();
    const t = transport;
    const connections = await openAll(() => t.hijack({ method: 'POST', path: '/exec/x/start', body: {}, signal: controller.signal }));
    expect(connections).toHaveLength(STREAMS);
    expect(listenersOn(controller.signal)).toBe(1);
    controller.abort();
    await expect.poll(() => t.openSockets).toBe(0);
    await settle();
    expect(maxListenerWarnings()).toEqual([]);
  });
});
