// Which engine answers: the negotiation ping tells dockerd from Podman. Runs in both suites
// (`npm test` against dockerd, `npm run test:podman` against Podman), which declare the engine.
import { testEngine } from '@dockyard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { Transport } from '../src/transport.js';

const opened: Transport[] = [];
function transport(options: ConstructorParameters<typeof Transport>[0] = {}): Transport {
  const t = new Transport(options);
  opened.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close()));
});

describe('the engine behind the endpoint', () => {
  it('is unknown before the first request and known after negotiation', async () => {
    const t = transport();
    expect(t.engine).toBeUndefined();
    await t.negotiate();
    expect(t.engine).toBe(testEngine());
  });

  it('a pinned version pings only when asked: detectEngine()', async () => {
    const t = transport({ apiVersion: '1.41' });
    await (await t.request({ method: 'GET', path: '/version' })).dump();
    expect(t.engine).toBeUndefined();
    expect(await t.detectEngine()).toBe(testEngine());
    expect(t.engine).toBe(testEngine());
  });
});
