import { afterAll, describe, expect, it } from 'vitest';
import { trackResources, uniqueName } from '@dockyard/testkit';
import { Docker, Fleet } from 'dockyard';
import { followAll, type LogRecord } from '../src/follow-all.js';
import { cliLogs, createContainer, IDLE } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

/** Reads records until `until` says enough; then stops the follow. */
async function collectUntil(iterable: AsyncIterable<LogRecord>, until: (records: LogRecord[]) => boolean, onRecord?: (r: LogRecord, all: LogRecord[]) => Promise<void> | void): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const r of iterable) {
    records.push(r);
    await onRecord?.(r, records);
    if (until(records)) break;
  }
  return records;
}

// "x" then 19 999 two-byte characters: 39 999 bytes, so the engine's 16 KiB cut falls inside a character.
const LONG = 'x' + 'é'.repeat(19_999);
const LONG_SCRIPT = `awk 'BEGIN{s="x"; for(i=0;i<19999;i++) s=s "é"; print s}'`;

describe('followAll against the engine', () => {
  it('follows selected containers (running and started later), joins 16 KiB parts, keeps stdout and stderr apart, with the engine times', async () => {
    const group = uniqueName('group');
    const script = `echo same; echo same >&2; ${LONG_SCRIPT}; echo after; ${IDLE}`;
    // The local log driver keeps the bytes: json-file (20.10) stores each 16 KiB part as a JSON
    // string and so replaces a character cut at the boundary with U+FFFD before anyone reads it.
    const a = await createContainer(docker, resources, { Cmd: ['sh', '-c', script], Labels: { 'ship.group': group }, HostConfig: { LogConfig: { Type: 'local', Config: {} } } });
    const skipped = await createContainer(docker, resources, { Cmd: ['sh', '-c', `echo skipped; ${IDLE}`], Labels: { 'ship.group': group, 'ship.skip': '1' } });
    await a.start();
    await skipped.start();
    const later = await createContainer(docker, resources, { Cmd: ['sh', '-c', `echo later-1; echo later-2 >&2; ${IDLE}`], Labels: { 'ship.group': group } });
    let laterStarted = false;
    const records = await collectUntil(
      followAll(docker, { include: { label: [`ship.group=${group}`] }, exclude: { label: ['ship.skip'] } }),
      (rs) => rs.filter((r) => r.container.id === a.id).length >= 4 && rs.filter((r) => r.container.id === later.id).length >= 2,
      async (r) => {
        if (!laterStarted && r.log === 'after') {
          laterStarted = true;
          await later.start();
        }
      },
    );
    const ofA = records.filter((r) => r.container.id === a.id);
    expect(ofA.map((r) => [r.stream, r.log])).toEqual(expect.arrayContaining([['stdout', 'same'], ['stderr', 'same'], ['stdout', LONG], ['stdout', 'after']]));
    expect(ofA).toHaveLength(4);
    expect(records.filter((r) => r.container.id === later.id).map((r) => [r.stream, r.log]).sort()).toEqual([['stderr', 'later-2'], ['stdout', 'later-1']]);
    expect(records.some((r) => r.container.id === skipped.id)).toBe(false);
    expect(ofA[0]?.container).toMatchObject({ id: a.id, labels: expect.objectContaining({ 'ship.group': group }), image: expect.any(String), imageId: expect.stringMatching(/^sha256:/) });
    // The engine's own times, to the nanosecond: the same as `docker logs --timestamps`.
    const cli = await cliLogs(a.id, 'stderr');
    expect(cli).toEqual([[ofA.find((r) => r.stream === 'stderr')?.time, 'same']]);
    const cliOut = await cliLogs(a.id, 'stdout');
    expect(cliOut[0]).toEqual([ofA.find((r) => r.stream === 'stdout' && r.log === 'same')?.time, 'same']);
  });

  it('a container that restarts is followed again from where its log was left: no backlog twice', async () => {
    const group = uniqueName('group');
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', `echo run-$(cat /proc/sys/kernel/random/uuid); ${IDLE}`], Labels: { 'ship.group': group } });
    await c.start();
    let restarted = false;
    const records = await collectUntil(
      followAll(docker, { include: { label: [`ship.group=${group}`] } }),
      (rs) => rs.length >= 2,
      async (_r, all) => {
        if (!restarted && all.length === 1) {
          restarted = true;
          await c.restart({ timeout: 1 });
        }
      },
    );
    const cli = await cliLogs(c.id, 'stdout');
    expect(records.map((r) => [r.time, r.log])).toEqual(cli.slice(0, 2));
    expect(new Set(records.map((r) => r.log)).size).toBe(2);
  });

  it('works on a Fleet: each record names its engine', async () => {
    const group = uniqueName('group');
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', `echo fleet-line; ${IDLE}`], Labels: { 'ship.group': group } });
    await c.start();
    // Two names for the one test engine: the same container is seen through each.
    const fleet = new Fleet({ east: new Docker(), west: new Docker() });
    try {
      const records = await collectUntil(followAll(fleet, { include: { label: [`ship.group=${group}`] } }), (rs) => rs.length >= 2);
      expect(records.map((r) => [r.engine, r.container.id, r.log]).sort()).toEqual([['east', c.id, 'fleet-line'], ['west', c.id, 'fleet-line']]);
    } finally {
      await fleet.close();
    }
  });

  it("a followed container's last output without \\n at exit arrives (json-file writes it after the follow ended)", async () => {
    const group = uniqueName('group');
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', "echo first; while [ ! -e /go ]; do sleep 0.05; done; printf 'last words'"], Labels: { 'ship.group': group } });
    await c.start();
    let told = false;
    const records = await collectUntil(
      followAll(docker, { include: { label: [`ship.group=${group}`] } }),
      (rs) => rs.length >= 2,
      async (r) => {
        if (!told && r.log === 'first') {
          told = true;
          expect(await c.exec(['touch', '/go']).wait()).toEqual({ exitCode: 0 });
        }
      },
    );
    expect(records.map((r) => r.log)).toEqual(['first', 'last words']);
    const cli = await cliLogs(c.id, 'stdout');
    expect(records.map((r) => [r.time, r.log])).toEqual(cli);
  });
});
