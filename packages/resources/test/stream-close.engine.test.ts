import { afterAll, describe, expect, it } from 'vitest';
import { trackResources, uniqueName } from '@dockyard/testkit';
import { Docker } from '../src/index.js';
import { createContainer, startContainer } from './support/engine.js';
import { turn, watch } from './support/settle.js';

// Issue 10, fault 1: `close()` (what `await using` calls) from one task while another awaits
// `next()` on a quiet followed stream used to resolve, leaving that `next()` pending forever.
const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

/** Closes `stream` while `it.next()` waits on it (quiet so far): that next() settles with done. */
async function expectCloseEndsPendingNext(stream: { close(): Promise<void> }, it: AsyncIterator<unknown>): Promise<void> {
  const pending = watch(it.next());
  await turn();
  expect(pending.outcome).toBeUndefined();
  await stream.close();
  await turn();
  expect(pending.outcome).toEqual({ value: { done: true, value: undefined } });
}

describe('close() while another task awaits next() on a followed stream: the next() settles with done', () => {
  it('events (filtered to one label: one event, then quiet)', async () => {
    const label = `dockyard.quiet=${uniqueName('ev')}`;
    const stream = docker.events({ filters: { label: [label], type: ['container'] } });
    const it = stream[Symbol.asyncIterator]();
    const first = it.next();
    await createContainer(docker, resources, { Labels: { 'dockyard.quiet': label.split('=')[1] as string } });
    expect(await first).toMatchObject({ done: false, value: { Action: 'create' } });
    await expectCloseEndsPendingNext(stream, it);
  });

  it('logs with follow of a container that printed one line and went quiet', async () => {
    const c = await startContainer(docker, resources, { Cmd: ['sh', '-c', "echo ready; trap 'exit 0' TERM; sleep 3600 & wait"] });
    const stream = c.logs({ follow: true, stdout: true, stderr: true });
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    await expectCloseEndsPendingNext(stream, it);
  });

  it('stats, between two samples', async () => {
    const c = await startContainer(docker, resources);
    const stream = c.stats();
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    const pending = watch(it.next());
    await stream.close();
    await turn();
    // A sample may have arrived just before the close; either way the read settled.
    expect(pending.outcome).toMatchObject({ value: expect.objectContaining({ done: expect.any(Boolean) }) });
  });
});
