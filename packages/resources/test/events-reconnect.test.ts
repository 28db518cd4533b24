import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, BadRequestError, ConnectionError, Docker, type DockerEvent, type ReconnectedEvent } from '../src/index.js';
import { retryDelay, retryPolicy } from '../src/retry-policy.js';
import { type OpenEvents, type ResumeItem, resumeEvents, sinceOf } from '../src/system/resumable-events.js';

// What a real engine will not do on demand: replay, at the resume boundary, events of the same
// nanosecond that were already yielded; and drop connections at exact points of the script.

const ev = (timeNano: string, Action: string, ID = 'c1'): DockerEvent => ({
  Type: 'container',
  Action,
  Actor: { ID, Attributes: {} },
  scope: 'local',
  time: Number(timeNano.slice(0, -9)),
  timeNano,
});
// Raw NDJSON with timeNano as the engine writes it: a bare number beyond 2^53.
const line = (e: DockerEvent) => `${JSON.stringify(e).replace(/"timeNano":"(\d+)"/, '"timeNano":$1')}\n`;

type Step = { status?: number; body?: string; events?: DockerEvent[]; then: 'drop' | 'end' | 'hang' };

/** A fake engine whose n-th `/events` request gets the n-th step; records each `since`. */
async function scriptedEngine(steps: Step[]): Promise<{ docker: Docker; sinces: (string | undefined)[]; close: () => Promise<void> }> {
  const socketPath = join(tmpdir(), `dy-ev-${randomBytes(4).toString('hex')}.sock`);
  const sinces: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    if (url.pathname === '/_ping') {
      res.writeHead(200, { 'API-Version': '1.41' });
      res.end('OK');
      return;
    }
    sinces.push(url.searchParams.get('since') ?? undefined);
    const step = steps[sinces.length - 1] ?? { then: 'hang' };
    if (step.status !== undefined) {
      res.writeHead(step.status, { 'Content-Type': 'application/json' });
      res.end(step.body);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write((step.events ?? []).map(line).join(''));
    if (step.then === 'drop') setTimeout(() => res.socket?.destroy(), 10);
    else if (step.then === 'end') res.end();
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const docker = new Docker({ host: `unix://${socketPath}` });
  return {
    docker,
    sinces,
    close: async () => {
      await docker.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
    },
  };
}

let closeEngine: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeEngine?.();
  closeEngine = undefined;
});

const fast = { initialDelay: 1, maxDelay: 4 };
const T1 = '1796163615580003033';
const T2 = '1796163615580003034';
const T3 = '1796163699000000001';

describe('events({ reconnect: true }) against a scripted engine', () => {
  it('skips events of the resume nanosecond it already yielded, resumes with the exact since, one marker per reconnect', async () => {
    const engine = await scriptedEngine([
      { events: [ev(T1, 'create'), ev(T2, 'start'), ev(T2, 'start', 'c2')], then: 'drop' },
      // since is inclusive: the engine replays both events of T2, then a new one of the same nanosecond.
      { events: [ev(T2, 'start'), ev(T2, 'start', 'c2'), ev(T2, 'start', 'c3'), ev(T3, 'die')], then: 'drop' },
      { events: [ev(T3, 'die')], then: 'hang' },
    ]);
    closeEngine = engine.close;
    const controller = new AbortController();
    const got: (DockerEvent | ReconnectedEvent)[] = [];
    const err = await (async () => {
      for await (const e of engine.docker.events({ reconnect: true, retry: fast, signal: controller.signal })) {
        got.push(e);
        if (got.length === 7) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(got.map((e) => `${e.Action}:${e.Type === 'dockyard' ? '' : e.Actor?.ID}`)).toEqual([
      'create:c1',
      'start:c1',
      'start:c2',
      'reconnected:',
      'start:c3',
      'die:c1',
      'reconnected:',
    ]);
    expect(got[0]?.timeNano).toBe(T1);
    expect(engine.sinces).toEqual([undefined, '1796163615.580003034', '1796163699.000000001']);
    const marker = got[3] as ReconnectedEvent;
    expect(marker.Actor.Attributes.since).toBe('1796163615.580003034');
    // What ended the connection, and no failed attempt before the first one succeeded.
    expect(marker.Actor.Attributes.error).toMatch(/connection to the engine broke/);
    expect(marker.Actor.Attributes.attempts).toBe('0');
  });

  it('a connection the engine ends on its own is a drop, unless until was set: then it is the end', async () => {
    const engine = await scriptedEngine([
      { events: [ev(T1, 'create')], then: 'end' },
      { events: [ev(T2, 'start')], then: 'end' },
    ]);
    closeEngine = engine.close;
    const got: string[] = [];
    for await (const e of engine.docker.events({ reconnect: true, retry: fast, until: '1796163700' })) got.push(e.Action ?? '');
    expect(got).toEqual(['create']);
    const again = await scriptedEngine([
      { events: [ev(T1, 'create')], then: 'end' },
      { events: [ev(T2, 'start')], then: 'hang' },
    ]);
    closeEngine = async () => {
      await engine.close();
      await again.close();
    };
    const seen: string[] = [];
    for await (const e of again.docker.events({ reconnect: true, retry: fast })) {
      seen.push(e.Action ?? '');
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['create', 'reconnected', 'start']);
  });

  it('a 400 after a reconnect is thrown, not retried', async () => {
    const engine = await scriptedEngine([
      { events: [ev(T1, 'create')], then: 'drop' },
      { status: 400, body: '{"message":"invalid filter \'x\'"}', then: 'end' },
    ]);
    closeEngine = engine.close;
    const got: string[] = [];
    const err = await (async () => {
      for await (const e of engine.docker.events({ reconnect: true, retry: fast })) got.push(e.Action ?? '');
    })().catch((e: unknown) => e);
    expect(got).toEqual(['create']);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toContain("invalid filter 'x'");
  });

  it('without reconnect, a drop ends the stream with ConnectionError and timeNano is still exact', async () => {
    const engine = await scriptedEngine([{ events: [ev(T1, 'create')], then: 'drop' }]);
    closeEngine = engine.close;
    const got: DockerEvent[] = [];
    const err = await (async () => {
      for await (const e of engine.docker.events()) got.push(e);
    })().catch((e: unknown) => e);
    expect(got.map((e) => e.timeNano)).toEqual([T1]);
    expect(err).toBeInstanceOf(ConnectionError);
  });
});

describe('resumeEvents', () => {
  const policy = retryPolicy(fast);
  const collect = async (gen: AsyncGenerator<ResumeItem>, n: number) => {
    const out: ResumeItem[] = [];
    for await (const item of gen) {
      out.push(item);
      if (out.length === n) break;
    }
    return out;
  };

  it('throws the first connection’s failure unless asked to retry it (a fleet does), then reports each failed attempt', async () => {
    let calls = 0;
    const open: OpenEvents = async () => {
      calls += 1;
      if (calls <= 2) throw new ConnectionError('refused');
      return { items: (async function* () { yield ev(T1, 'create'); await new Promise(() => {}); })() };
    };
    const signal = new AbortController().signal;
    await expect(collect(resumeEvents(open, { retry: policy, retryFirst: false }, signal), 1)).rejects.toBeInstanceOf(ConnectionError);
    calls = 0;
    const items = await collect(resumeEvents(open, { retry: policy, retryFirst: true }, signal), 3);
    expect(items.map((i) => i.kind)).toEqual(['failed', 'failed', 'connected']);
    expect(items.map((i) => (i.kind === 'failed' ? i.attempt : 0))).toEqual([1, 2, 0]);
  });

  it('resumes from the Date of the first answer when nothing was yielded and no since was given', async () => {
    const windows: (string | undefined)[] = [];
    const open: OpenEvents = async (window) => {
      windows.push(window.since);
      const dropped: AsyncIterable<DockerEvent> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new ConnectionError('dropped')) }) };
      if (windows.length === 1) return { date: 'Tue, 01 Dec 2026 23:45:31 GMT', items: dropped };
      return { items: (async function* () { yield ev(T1, 'create'); })() };
    };
    const items = await collect(resumeEvents(open, { retry: policy, retryFirst: false }, new AbortController().signal), 3);
    expect(items.map((i) => i.kind)).toEqual(['connected', 'failed', 'reconnected']);
    expect(windows).toEqual([undefined, String(Date.parse('2026-12-01T23:45:31Z') / 1000)]);
  });

  it('the marker names what ended the connection and counts the attempts that failed after it', async () => {
    let calls = 0;
    const dropped: AsyncIterable<DockerEvent> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new ConnectionError('dropped mid-stream')) }) };
    const open: OpenEvents = async () => {
      calls += 1;
      if (calls === 1) return { items: dropped };
      if (calls <= 3) throw new ConnectionError('refused');
      return { items: (async function* () { yield ev(T1, 'create'); })() };
    };
    const items = await collect(resumeEvents(open, { since: '1', retry: policy, retryFirst: false }, new AbortController().signal), 6);
    expect(items.map((i) => i.kind)).toEqual(['connected', 'failed', 'failed', 'failed', 'reconnected', 'connected']);
    const marker = items[4];
    expect(marker?.kind === 'reconnected' && marker.event.Actor.Attributes).toEqual({ since: '1', attempts: '2', error: 'dropped mid-stream' });
  });

  it('property: whatever the drop points, every event the engine holds is yielded once, in order, one marker per drop', async () => {
    // The engine's buffer: timeNanos non-decreasing, several events may share one nanosecond.
    const buffer = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom('create', 'start', 'die'), fc.constantFrom('a', 'b', 'c')), { maxLength: 30 })
      .map((steps) => {
        let nano = 1796163615580003000n;
        const seen = new Set<string>();
        const out: DockerEvent[] = [];
        for (const [gap, action, id] of steps) {
          nano += BigInt(gap);
          const e = ev(String(nano), action, id);
          const key = `${e.timeNano}${action}${id}`;
          if (!seen.has(key)) out.push(e);
          seen.add(key);
        }
        return out;
      });
    await fc.assert(
      fc.asyncProperty(buffer, fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 6 }), async (events, cuts) => {
        let connection = 0;
        const open: OpenEvents = async (window) => {
          const since = BigInt((window.since ?? '0').replace('.', '').padEnd(1, '0')) * (window.since?.includes('.') ? 1n : 1_000_000_000n);
          const replay = events.filter((e) => BigInt(e.timeNano ?? '0') >= since);
          const cut = cuts[connection++];
          return {
            items: (async function* () {
              for (const [i, e] of replay.entries()) {
                if (cut !== undefined && i === cut) throw new ConnectionError('dropped');
                yield e;
              }
              if (cut !== undefined && cut >= replay.length) throw new ConnectionError('dropped');
            })(),
          };
        };
        const out: ResumeItem[] = [];
        for await (const item of resumeEvents(open, { since: '0', until: 'end', retry: retryPolicy({ initialDelay: 0, maxDelay: 0 }), retryFirst: false }, new AbortController().signal)) {
          out.push(item);
        }
        expect(out.filter((i) => i.kind === 'event').map((i) => i.event)).toEqual(events);
        expect(out.filter((i) => i.kind === 'reconnected')).toHaveLength(cuts.length);
      }),
      { numRuns: 300 },
    );
  });

  it('sinceOf writes seconds.nanoseconds with the nanoseconds zero-padded', () => {
    expect(sinceOf('1796163615580003033')).toBe('1796163615.580003033');
    expect(sinceOf('1000000001')).toBe('1.000000001');
    expect(sinceOf('5')).toBe('0.000000005');
  });
});

describe('retry policy', () => {
  it('grows by factor from initialDelay, capped at maxDelay, jitter within ±jitter', () => {
    const p = retryPolicy({ initialDelay: 100, maxDelay: 1000, factor: 2, jitter: 0.2 });
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(p, n, 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryDelay(p, 1, 0)).toBe(80);
    expect(retryDelay(p, 1, 0.9999)).toBe(120);
    expect(retryDelay(p, 9, 0.9999)).toBe(1000);
  });

  it('refuses nonsense with a TypeError naming the option', () => {
    expect(() => retryPolicy({ factor: 0.5 })).toThrow(/retry\.factor/);
    expect(() => retryPolicy({ initialDelay: 10, maxDelay: 5 })).toThrow(/retry\.maxDelay/);
    expect(() => retryPolicy({ jitter: 2 })).toThrow(/retry\.jitter/);
  });
});
