// `break` out of a followed log, an exec and an event stream, 200 times each: every time the
// socket below must close. Counted from this process's open sockets, before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackResources } from '@dockyard/testkit';
import { type Container, Docker } from '../src/index.js';
import { openSocketCount, startContainer } from './support/engine.js';

const REPETITIONS = 200;
const resources = trackResources();
const setup = new Docker();
let chatty: Container;
beforeAll(async () => {
  chatty = await startContainer(setup, resources, { Cmd: ['sh', '-c', 'while true; do echo line; sleep 0.01; done'] });
});
afterAll(() => setup.close());

/**
 * Counts this process's sockets before a fresh client exists and after it ran `once`
 * REPETITIONS times and was closed. Closing drops the pool's idle keep-alive sockets; a
 * socket a `break` left open is still counted (and a request left in flight stalls close()).
 */
async function socketsAround(once: (docker: Docker) => Promise<void>): Promise<{ before: number; after: number }> {
  const before = openSocketCount();
  const docker = new Docker();
  for (let i = 0; i < REPETITIONS; i++) await once(docker);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    docker.close(),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('close() did not finish: a request was left open')), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  // A destroyed socket's fd is released on a later turn of the event loop.
  await new Promise((r) => setTimeout(r, 50));
  return { before, after: openSocketCount() };
}

describe(`no socket stays open after break (${REPETITIONS} repetitions each)`, () => {
  it('a followed log', async () => {
    const { before, after } = await socketsAround(async (docker) => {
      for await (const _ of docker.containers.get(chatty.id).logs({ follow: true, tail: 1 })) break;
    });
    expect(after).toBeLessThanOrEqual(before);
  });

  it('an exec', async () => {
    const { before, after } = await socketsAround(async (docker) => {
      for await (const _ of docker.containers.get(chatty.id).exec(['sh', '-c', 'echo x; sleep 30'])) break;
    });
    expect(after).toBeLessThanOrEqual(before);
  });

  it('the event stream', async () => {
    const { before, after } = await socketsAround(async (docker) => {
      for await (const _ of docker.events({ since: new Date(Date.now() - 5_000) })) break;
    });
    expect(after).toBeLessThanOrEqual(before);
  });
});
