import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trackResources, uniqueName } from '@dockyard/testkit';
import { type Container, Docker } from 'dockyard';
import { EventTime } from '../src/event-time.js';
import { followAll, type LogRecord } from '../src/follow-all.js';
import { forward } from '../src/forward.js';
import { ship } from '../src/ship.js';
import { createContainer, IDLE } from './support/engine.js';
import { Receiver } from './support/receiver.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

/** The log as the engine sends it (`timestamps=1`): for a TTY container, unframed. */
async function rawLog(id: string): Promise<string> {
  const res = await docker.transport.request({ method: 'GET', path: `/containers/${id}/logs`, query: { stdout: true, stderr: true, timestamps: true } });
  const parts: Buffer[] = [];
  for await (const chunk of res.body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

async function collect(iterable: AsyncIterable<LogRecord>, count: number, onRecord?: (all: LogRecord[]) => Promise<void>): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const r of iterable) {
    records.push(r);
    if (records.length >= count) break;
    await onRecord?.(records);
  }
  return records;
}

/** Waits until the container has stopped. */
async function stopped(c: Container): Promise<void> {
  await c.wait();
}

const LONG = 'y'.repeat(40_000);

describe('TTY containers: the engine time split off every line', () => {
  for (const driver of ['json-file', 'local'] as const) {
    it(`followAll (${driver}): lines with and without \\r\\n, a 40 000-byte line, output left unterminated at exit and the next run's lines, each with its engine time`, async () => {
      const group = uniqueName('tty');
      // A run: `\r\n` lines (the TTY's onlcr), a line written in two writes, a 40 000-byte line,
      // `\n` lines (onlcr off), and output without `\n` left when the container stops.
      // The second run stays up (followAll follows running containers) until stopped.
      const script = `stty onlcr; echo first; printf 'half '; printf 'whole\\n'; awk 'BEGIN{s=""; for(i=0;i<40000;i++) s=s "y"; print s}'; stty -onlcr; printf 'plain\\n'; printf 'run-end'; if [ -e /ran ]; then ${IDLE}; fi; touch /ran`;
      const c = await createContainer(docker, resources, { Tty: true, Cmd: ['sh', '-c', script], Labels: { 'ship.group': group }, HostConfig: { LogConfig: { Type: driver, Config: {} } } });
      await c.start();
      await stopped(c);
      // Started again: its lines follow the unterminated output directly.
      await c.start();
      const perRun = ['first\r', 'half whole\r', `${LONG}\r`, 'plain', 'run-end'];
      // The second run's `run-end` has no end until the log has: it comes once the container stops.
      const records = await collect(followAll(docker, { include: { label: [`ship.group=${group}`] } }), perRun.length * 2, async (all) => {
        if (all.length === perRun.length * 2 - 1) await c.stop({ timeout: 5 });
      });
      expect(records.map((r) => r.log)).toEqual([...perRun, ...perRun]);
      expect(records.every((r) => r.stream === 'stdout' && r.container.id === c.id)).toBe(true);
      // The engine's own times, to the nanosecond: each the stamp in front of that line's (first) part.
      const raw = await rawLog(c.id);
      for (const r of records) {
        expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
        expect(raw).toContain(`${r.time} ${r.log.slice(0, 20)}`);
      }
      expect(new Set(records.map((r) => r.time)).size).toBe(records.length);
    });
  }

  it('ship() resumes a TTY container from its checkpoint: the lines written after the stop arrive once, nothing acked again', async () => {
    const group = uniqueName('tty-resume');
    const c = await createContainer(docker, resources, { Tty: true, Cmd: ['sh', '-c', `i=0; while [ $i -lt 300 ]; do echo "one $i"; i=$((i+1)); done; ${IDLE}`], Labels: { 'ship.group': group } });
    await c.start();
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'ship-tty-')), 'checkpoint.json');
    const first = await new Receiver().start();
    resources.defer(() => first.stop());
    const abort1 = new AbortController();
    const shipper1 = ship({ source: docker, include: { label: [`ship.group=${group}`] }, to: forward({ port: first.port, ack: true }), checkpoint, signal: abort1.signal });
    await first.waitFor(300);
    abort1.abort();
    await shipper1.done();
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { containers: Record<string, { time: string; count: number }> };
    // The checkpoint holds the engine's time of the last line, as its record carried it, and
    // how many lines had that time (1 from dockerd; Podman's times are whole seconds).
    const timeOf = (e: (typeof first.entries)[number]) => e.time as { epoch: number; nano: number };
    const lastTime = timeOf(first.entries.at(-1) as (typeof first.entries)[number]);
    const savedTime = EventTime.fromRfc3339(saved.containers[c.id]?.time as string);
    expect([savedTime.seconds, savedTime.nanoseconds]).toEqual([lastTime.epoch, lastTime.nano]);
    expect(saved.containers[c.id]?.count).toBe(first.entries.filter((e) => timeOf(e).epoch === lastTime.epoch && timeOf(e).nano === lastTime.nano).length);
    expect(first.logs()).toEqual(Array.from({ length: 300 }, (_, i) => `one ${i}\r`));

    // More lines into the container's terminal while nobody ships.
    expect(await c.exec(['sh', '-c', 'i=0; while [ $i -lt 50 ]; do echo "two $i" > /proc/1/fd/1; i=$((i+1)); done']).wait()).toEqual({ exitCode: 0 });
    const second = await new Receiver().start();
    resources.defer(() => second.stop());
    const abort2 = new AbortController();
    const shipper2 = ship({ source: docker, include: { label: [`ship.group=${group}`] }, to: forward({ port: second.port, ack: true }), checkpoint, signal: abort2.signal });
    await second.waitFor(50);
    for await (const status of shipper2.status({ intervalMs: 10 })) {
      // Everything the second run read is the 50 new lines: nothing before the checkpoint again.
      if ((status.containers[0]?.acked ?? 0) >= 50) {
        expect(status.containers.map((s) => [s.id, s.read])).toEqual([[c.id, 50]]);
        break;
      }
    }
    abort2.abort();
    await shipper2.done();
    expect(second.logs()).toEqual(Array.from({ length: 50 }, (_, i) => `two ${i}\r`));
  });
});
