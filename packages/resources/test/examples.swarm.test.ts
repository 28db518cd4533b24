// The swarm example runs as written against the engine (a swarm test file: it needs swarm mode).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, type TestSwarm, leaveTestSwarm, useTestSwarm } from '@dockyard/testkit';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let swarm: TestSwarm | undefined;
beforeAll(async () => {
  swarm = await useTestSwarm();
});
afterAll(() => leaveTestSwarm(swarm));

describe('examples in swarm mode', () => {
  it('swarm.ts: create a service, watch it converge, follow its logs', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/swarm.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DEMO_IMAGE: TEST_IMAGE },
      timeout: 150_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^converging: \d\/2 running/m);
    expect(run.stdout).toContain('converged\n');
    expect(run.stdout).toMatch(/^\[stdout\] tick \d+$/m);
    expect(run.stdout).toMatch(/^\[stderr\] warn \d+$/m);
  });
});
