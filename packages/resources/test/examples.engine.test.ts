// The README's quick start and the runnable examples run as written against the engine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_IMAGE } from '@dockyard/testkit';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function runExample(file: string, args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DEMO_IMAGE: TEST_IMAGE },
    timeout: 90_000,
  });
}

describe('examples', () => {
  it('quick-start.ts: exec while it runs, then follow its logs to the end', () => {
    const run = runExample('quick-start.ts');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('stdout: hi\n');
    expect(run.stdout).toContain('stderr: bye\n');
    expect(run.stdout).toMatch(/exec exit 0; \/ holds bin .*tmp/);
  });

  it('ci-runner.ts: a passing step, and a failing one that exits 1 with its code', () => {
    const pass = runExample('ci-runner.ts', ['echo building; echo 1 passed >&2']);
    expect(pass.status).toBe(0);
    expect(pass.stdout).toContain('building\n');
    expect(pass.stderr).toContain('1 passed\n');
    expect(pass.stdout).toContain('step passed (exit 0)');
    const fail = runExample('ci-runner.ts', ['echo broken >&2; exit 2']);
    expect(fail.status).toBe(1);
    expect(fail.stderr).toContain('broken\n');
    expect(fail.stderr).toContain('step failed with exit code 2');
  });

  it('fleet-events.ts: one engine under two names: tagged list, logs and merged events from both', () => {
    const run = runExample('fleet-events.ts');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^listed: (left|right):\/fleet-demo-\d+ (left|right):\/fleet-demo-\d+$/m);
    expect(run.stdout).toMatch(/^left fleet-demo-\d+: hello from the fleet$/m);
    expect(run.stdout).toMatch(/^right fleet-demo-\d+: hello from the fleet$/m);
    for (const engine of ['left', 'right']) {
      for (const action of ['create', 'start', 'die']) expect(run.stdout).toContain(`${engine} container ${action}\n`);
    }
  });
});
