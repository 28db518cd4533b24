import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trackResources, uniqueName } from '@dockyard/testkit';
import { Docker } from 'dockyard';
import { EventTime } from '../src/event-time.js';
import { cliLogs, createContainer, IDLE } from './support/engine.js';
import { Receiver } from './support/receiver.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

function shipperProcess(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/ship-child.ts')], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  resources.defer(() => child.kill('SIGKILL'));
  return child;
}

const exited = (child: ChildProcess): Promise<unknown> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));

describe('ship() across a crash', () => {
  it('kill -9 mid-stream, restart with the same checkpoint: every line docker logs shows arrives; only unacked-or-uncheckpointed lines twice; later containers shipped, excluded ones not', async () => {
    const r = await new Receiver().start();
    resources.defer(() => r.stop());
    const group = uniqueName('crash');
    const lines = 100_000; // enough that the kill after 3 000 lands mid-stream however fast the shipper is
    const big = await createContainer(docker, resources, { Cmd: ['sh', '-c', `seq 1 ${lines} | sed 's/^/line-/'; ${IDLE}`], Labels: { 'ship.group': group } });
    const skipped = await createContainer(docker, resources, { Cmd: ['sh', '-c', `echo skipped-line; ${IDLE}`], Labels: { 'ship.group': group } });
    const skipName = (await skipped.inspect()).Name?.slice(1) as string;
    await big.start();
    await skipped.start();
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'ship-crash-')), 'checkpoint.json');
    const env = { PORT: String(r.port), GROUP: group, SKIP: skipName, CHECKPOINT: checkpoint };

    const first = shipperProcess(env);
    await r.waitFor(3000);
    // Mid-stream, and once the checkpoint holds a position (so the bound below is tested).
    while (!existsSync(checkpoint)) await new Promise((resolve) => setTimeout(resolve, 5));
    first.kill('SIGKILL');
    await exited(first);
    await r.noClients();
    const connectionsAtKill = r.entriesAtConnection.length;
    expect(r.entries.length).toBeLessThan(lines); // the kill was mid-stream
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { containers: Record<string, { time: string; count: number }> };
    const position = saved.containers[big.id];
    expect(position).toBeDefined();

    const second = shipperProcess(env);
    const later = await createContainer(docker, resources, { Cmd: ['sh', '-c', `echo later-line; ${IDLE}`], Labels: { 'ship.group': group } });
    await later.start();
    // What the first shipper delivered: all that had arrived when the second one connected (its
    // last data may still have been decoded after its socket closed).
    while (r.entriesAtConnection.length === connectionsAtKill) await new Promise((resolve) => setTimeout(resolve, 10));
    const receivedAtKill = r.entriesAtConnection[connectionsAtKill] as number;
    const cli = await cliLogs(big.id, 'stdout');
    expect(cli).toHaveLength(lines);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        const got = new Set(r.logs());
        if (cli.every(([, text]) => got.has(text)) && got.has('later-line')) resolve();
        else setTimeout(check, 50);
      };
      check();
    });
    second.kill('SIGTERM');
    await exited(second);

    // Lines up to the checkpoint (k of them) arrived exactly once; the rest at most twice, and
    // only those the first shipper had sent past its checkpoint.
    const at = EventTime.fromRfc3339(position?.time as string).toBigInt();
    let k = cli.findIndex(([time]) => EventTime.fromRfc3339(time).toBigInt() > at);
    if (k < 0) k = cli.length;
    k = cli.slice(0, k).filter(([time]) => EventTime.fromRfc3339(time).toBigInt() < at).length + (position?.count ?? 0);
    const counts = new Map<string, number>();
    for (const log of r.logs()) counts.set(log, (counts.get(log) ?? 0) + 1);
    const duplicated = cli.map(([, text], i) => [i, counts.get(text) ?? 0] as const).filter(([, n]) => n > 1);
    expect(k).toBeGreaterThan(0);
    expect(duplicated.filter(([i]) => i < k)).toEqual([]);
    expect(duplicated.every(([, n]) => n === 2)).toBe(true);
    expect(duplicated.length).toBeLessThanOrEqual(receivedAtKill - k);
    expect(counts.get('skipped-line')).toBeUndefined();
    expect(counts.get('later-line')).toBe(1);
  });
});
