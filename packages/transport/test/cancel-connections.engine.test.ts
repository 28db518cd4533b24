import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE, engineSocketPath, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enginePath } from '../src/request-path.js';
import { Transport } from '../src/transport.js';

// Issue 10, fault 6: cancelling followed logs (break, or an AbortSignal) used to open one new
// connection per cancelled stream, each idle until the 4 s keep-alive ran out (undici
// reconnected for a request it aborted itself). Cancelling opens nothing. The connections are
// counted where they arrive: a unix-socket relay in front of the engine.

const FOLLOWERS = 40;
const resources = trackResources();
let t: Transport;
let id: string;
let relay: Server;
let relayPath: string;
/** A promise of each relayed connection's close. */
const connected: Array<Promise<unknown>> = [];
let connects = 0;

beforeAll(async () => {
  relayPath = join(tmpdir(), `dockyard-count-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  relay = createServer((client: Socket) => {
    connects++;
    connected.push(new Promise((resolve) => client.once('close', resolve)));
    const upstream = connect(engineSocketPath());
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(relayPath, () => resolve());
  });
  t = new Transport({ host: `unix://${relayPath}`, env: {} });
  const name = uniqueName('quiet');
  const res = await t.request({
    method: 'POST',
    path: '/containers/create',
    query: { name },
    body: { Image: TEST_IMAGE, Cmd: ['sh', '-c', "echo ready; trap 'exit 0' TERM; sleep 3600 & wait"], Labels: testLabels() },
  });
  id = resources.container((await res.json<{ Id: string }>()).Id);
  await (await t.request({ method: 'POST', path: enginePath`/containers/${id}/start` })).dump();
});
afterAll(async () => {
  await t.close();
  await new Promise((resolve) => relay.close(resolve));
  rmSync(relayPath, { force: true });
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
  // A reconnect would happen as the cancelled connections close, before these resolve.
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
