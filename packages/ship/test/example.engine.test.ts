// examples/ship.ts runs as written: it ships a labelled container's lines to a real receiver
// and, on Ctrl-C (SIGINT), stops once what was acked is in its checkpoint.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { trackResources, uniqueName } from '@dockyard/testkit';
import { Docker } from 'dockyard';
import { IDLE, createContainer } from './support/engine.js';
import { Receiver } from './support/receiver.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const resources = trackResources();
const docker = new Docker();
const dir = mkdtempSync(join(tmpdir(), 'ship-example-'));
afterAll(async () => {
  await docker.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/ship.ts', () => {
  it('ships a ship=true container to the receiver and checkpoints on SIGINT', async () => {
    const receiver = await new Receiver().start();
    const marker = uniqueName('line');
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', `echo ${marker}-1; echo ${marker}-2 >&2; ${IDLE}`], Labels: { ship: 'true' } });
    await c.start();
    const checkpoint = join(dir, 'checkpoint.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/ship.ts', `127.0.0.1:${receiver.port}`, checkpoint], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ours = () => receiver.entries.filter((e) => String(e.record.log).startsWith(marker));
      const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
      while (ours().length < 2) {
        const early = await Promise.race([receiver.waitFor(receiver.entries.length + 1).then(() => 'entry' as const), exited]);
        if (early !== 'entry') throw new Error(`examples/ship.ts exited (${early}) with ${JSON.stringify(receiver.entries)}: ${stderr}`);
      }
      clearTimeout(deadline);
      expect(ours().map((e) => [e.record.source, e.record.log]).sort()).toEqual([
        ['stderr', `${marker}-2`],
        ['stdout', `${marker}-1`],
      ]);
      const info = await c.inspect();
      expect(ours()[0]?.tag).toBe(`docker.${info.Name?.replace(/^\//, '')}`);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(checkpoint)).toBe(true);
      expect(readFileSync(checkpoint, 'utf8')).toContain(info.Id);
    } finally {
      child.kill('SIGKILL');
      await receiver.stop();
    }
  });
});
