import dc from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { TEST_IMAGE, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enginePath } from '../src/request-path.js';
import { Transport } from '../src/transport.js';

// Issue 10, fault 6: cancelling followed logs (break, or an AbortSignal) used to open one new
// connection per cancelled stream, each idle until undici's 4 s keep-alive ran out: undici
// reconnects for a request it aborted itself (see connect/connector.ts). Cancelling opens
// nothing. undici reports every connection on its diagnostics channels, with its socket.

const FOLLOWERS = 40;
const resources = trackResources();
let t: Transport;
let id: string;
/** A promise of each connection's 'close' event (which runs after undici's own handler). */
const connected: Array<Promise<unknown>> = [];
let connects = 0;
const onBeforeConnect = (): void => {
  connects++;
};
const onConnected = (message: unknown): void => {
  const socket = (message as { socket: Socket }).socket;
  connected.push(new Promise((resolve) => socket.once('close', resolve)));
};

beforeAll(async () => {
  t = new Transport();
  const name = uniqueName('quiet');
  const res = await t.request({
    method: 'POST',
    path: '/containers/create',
    query: { name },
    body: { Image: TEST_IMAGE, Cmd: ['sh', '-c', "echo ready; trap 'exit 0' TERM; sleep 3600 & wait"], Labels: testLabels() },
  });
  id = resources.container((await res.json<{ Id: string }>()).Id);
  await (await t.request({ method: 'POST', path: enginePath`/containers/${id}/start` })).dump();
  dc.subscribe('undici:client:beforeConnect', onBeforeConnect);
  dc.subscribe('undici:client:connected', onConnected);
});
afterAll(async () => {
  dc.unsubscribe('undici:client:beforeConnect', onBeforeConnect);
  dc.unsubscribe('undici:client:connected', onConnected);
  await t.close();
});
afterEach(() => {
  connected.length = 0;
});

/** Opens the followers (each reads its first line, so each holds its own connection). */
async function follow(signal?: AbortSignal) {
  const responses = await Promise.all(
    Array.from({ length: FOLLOWERS }, () =>
      t.request({ method: 'GET', path: enginePath`/containers/${id}/logs`, query: { follow: true, stdout: true }, ...(signal ? { signal } : {}) }),
    ),
  );
  const readers = responses.map((res) => res.body[Symbol.asyncIterator]());
  await Promise.all(readers.map((r) => r.next()));
  return readers;
}

/** Cancels, waits until every connection the followers used has closed, and counts what opened meanwhile. */
async function connectsWhileClosing(cancel: () => Promise<unknown>): Promise<number> {
  const closing = [...connected];
  const before = connects;
  await cancel();
  // undici reconnects (or not) in its own 'close' handler, which runs before these resolve.
  await Promise.all(closing);
  return connects - before;
}

describe(`cancelling ${FOLLOWERS} followed logs opens no connection`, () => {
  it('break (return() on each body)', async () => {
    const readers = await follow();
    expect(t.openSockets).toBeGreaterThanOrEqual(FOLLOWERS);
    const opened = await connectsWhileClosing(() => Promise.all(readers.map((r) => r.return?.())));
    expect(opened).toBe(0);
    expect(t.openSockets).toBeLessThan(FOLLOWERS);
  });

  it('one AbortSignal shared by all', async () => {
    const controller = new AbortController();
    const readers = await follow(controller.signal);
    const opened = await connectsWhileClosing(async () => {
      const ends = readers.map((r) => r.next().catch(() => undefined));
      controller.abort();
      await Promise.all(ends);
    });
    expect(opened).toBe(0);
    expect(t.openSockets).toBeLessThan(FOLLOWERS);
  });
});
