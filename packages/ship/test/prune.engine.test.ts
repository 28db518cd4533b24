import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { trackResources, uniqueName } from '@dockyard/testkit';
import { Docker } from 'dockyard';
import { forward } from '../src/forward.js';
import { type ShipStatus, ship } from '../src/ship.js';
import { createContainer, IDLE } from './support/engine.js';
import { Receiver } from './support/receiver.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

/** The checkpoint file's entries (none before its first write). */
function entries(path: string): Record<string, { time: string; count: number }> {
  if (!existsSync(path)) return {};
  return (JSON.parse(readFileSync(path, 'utf8')) as { containers: Record<string, { time: string; count: number }> }).containers;
}

/** Polls until `ready` holds (the test's timeout bounds it). */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Status snapshots until one satisfies `ready`; returns that one. */
async function statusUntil(status: AsyncIterable<ShipStatus>, ready: (s: ShipStatus) => boolean): Promise<ShipStatus> {
  for await (const s of status) if (ready(s)) return s;
  throw new Error('the shipper ended first');
}

const lines = (prefix: string, n: number): string => `i=0; while [ $i -lt ${n} ]; do echo "${prefix} $i"; i=$((i+1)); done`;

describe('ship(): checkpoint entries of removed containers', () => {
  it('a destroyed container whose lines were all acked leaves the checkpoint at the next write; the others stay', async () => {
    const r = await new Receiver().start();
    resources.defer(() => r.stop());
    const group = uniqueName('prune');
    const gone = await createContainer(docker, resources, { Cmd: ['sh', '-c', `${lines('gone', 20)}; ${IDLE}`], Labels: { 'ship.group': group } });
    const kept = await createContainer(docker, resources, { Cmd: ['sh', '-c', `${lines('kept', 20)}; ${IDLE}`], Labels: { 'ship.group': group } });
    await gone.start();
    await kept.start();
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'ship-prune-')), 'checkpoint.json');
    const abort = new AbortController();
    const shipper = ship({ source: docker, include: { label: [`ship.group=${group}`] }, to: forward({ port: r.port, ack: true }), checkpoint, checkpointIntervalMs: 20, signal: abort.signal });
    await r.waitFor(40);
    // Both checkpointed at their last line (whatever its count: Podman's times are whole seconds).
    const acked = await statusUntil(shipper.status({ intervalMs: 10 }), (s) => s.containers.length === 2 && s.containers.every((c) => c.acked === 20));
    const positionOf = (id: string) => acked.containers.find((c) => c.id === id)?.position;
    await until(() => isDeepStrictEqual(entries(checkpoint)[gone.id], positionOf(gone.id)) && isDeepStrictEqual(entries(checkpoint)[kept.id], positionOf(kept.id)));
    const before = entries(checkpoint)[kept.id];

    await gone.remove({ force: true });
    await until(() => entries(checkpoint)[gone.id] === undefined);
    expect(entries(checkpoint)).toEqual({ [kept.id]: before });
    const s = await statusUntil(shipper.status({ intervalMs: 10 }), () => true);
    expect(s.containers.map((c) => [c.id, c.removed, c.read, c.acked]).sort()).toEqual([[gone.id, true, 20, 20], [kept.id, false, 20, 20]].sort());
    abort.abort();
    await shipper.done();
    expect(Object.keys(entries(checkpoint))).toEqual([kept.id]);
  });

  /** A container shipped until its 20 lines are checkpointed; then the receiver stops, 10 more lines are read (never acked), and the container is destroyed. */
  async function removedWithUnacked(drainTimeoutMs?: number) {
    const r = await new Receiver().start();
    resources.defer(() => r.stop());
    const group = uniqueName('prune');
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', `${lines('early', 20)}; ${IDLE}`], Labels: { 'ship.group': group } });
    await c.start();
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'ship-prune-')), 'checkpoint.json');
    const abort = new AbortController();
    const shipper = ship({ source: docker, include: { label: [`ship.group=${group}`] }, to: forward({ port: r.port, ack: true }), checkpoint, checkpointIntervalMs: 20, drainTimeoutMs, signal: abort.signal });
    await r.waitFor(20);
    const acked = await statusUntil(shipper.status({ intervalMs: 10 }), (s) => s.containers[0]?.acked === 20);
    await until(() => isDeepStrictEqual(entries(checkpoint)[c.id], acked.containers[0]?.position));
    const position = entries(checkpoint)[c.id];
    await r.stop();
    expect(await c.exec(['sh', '-c', `${lines('late', 10)} > /proc/1/fd/1`]).wait()).toEqual({ exitCode: 0 });
    await statusUntil(shipper.status({ intervalMs: 10 }), (s) => s.containers[0]?.read === 30);
    await c.remove({ force: true });
    const removed = await statusUntil(shipper.status({ intervalMs: 10 }), (s) => s.containers[0]?.removed === true);
    expect(removed.containers.map((s) => [s.read, s.acked])).toEqual([[30, 20]]);
    return { r, c, checkpoint, abort, shipper, position };
  }

  it('one destroyed with lines not yet acked keeps its entry: stopped then, the checkpoint still holds its last acked position', async () => {
    const { c, checkpoint, abort, shipper, position } = await removedWithUnacked(100);
    abort.abort();
    await shipper.done();
    expect(entries(checkpoint)).toEqual({ [c.id]: position });
  });

  it('one destroyed with lines not yet acked: once the receiver is back and acked them, its entry is dropped', async () => {
    const { r, c, checkpoint, abort, shipper } = await removedWithUnacked();
    // Back on the same port: the unacked batches are resent, acked, and the entry goes.
    await r.start();
    await until(() => entries(checkpoint)[c.id] === undefined);
    expect(r.logs().filter((l) => l.startsWith('late'))).toEqual(Array.from({ length: 10 }, (_, i) => `late ${i}`));
    abort.abort();
    await shipper.done();
    expect(entries(checkpoint)).toEqual({});
  });

  it('at start, entries of containers removed while the shipper was down are dropped; those of existing ones stay, selected or not', async () => {
    const r = await new Receiver().start();
    resources.defer(() => r.stop());
    const existing = await createContainer(docker, resources, { Cmd: ['true'] });
    const removed = await createContainer(docker, resources, { Cmd: ['true'] });
    await removed.remove();
    const position = { time: '2026-01-01T00:00:00.000000001Z', count: 1 };
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'ship-prune-')), 'checkpoint.json');
    writeFileSync(checkpoint, JSON.stringify({ version: 1, containers: { [existing.id]: position, [removed.id]: position } }));
    const abort = new AbortController();
    const shipper = ship({ source: docker, include: { label: [`ship.group=${uniqueName('none')}`] }, to: forward({ port: r.port, ack: true }), checkpoint, checkpointIntervalMs: 20, signal: abort.signal });
    await until(() => entries(checkpoint)[removed.id] === undefined);
    abort.abort();
    await shipper.done();
    expect(entries(checkpoint)).toEqual({ [existing.id]: position });
  });
});
