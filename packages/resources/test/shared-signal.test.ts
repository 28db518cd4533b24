import { getEventListeners } from 'node:events';
import { AbortError } from '@dockyard/transport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordingEngine, recordingEngine } from './support/recording-engine.js';

// Issue 10, fault 7, through the whole client: a thousand streams sharing one AbortSignal add
// one listener to it (linkAbort), never one each, so Node prints no MaxListenersExceededWarning.
// The recording engine plays an engine that accepts every stream and then stays silent.

const STREAMS = 1_000;
let engine: RecordingEngine | undefined;
let warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(async () => {
  process.off('warning', onWarning);
  await engine?.close();
  engine = undefined;
});
const settle = () => new Promise((r) => setImmediate(r));
const maxListenerWarnings = () => warnings.filter((w) => w.name === 'MaxListenersExceededWarning');

describe(`${STREAMS} streams of one client on one AbortSignal`, () => {
  it('events, logs and exec output: one listener on the signal, no warning, each ends in AbortError', async () => {
    // 100 sockets at most: the rest wait in the pool's queue, still on the signal.
    engine = await recordingEngine({ docker: { maxConnections: 100 } });
    engine.respond((req) => (req.path.endsWith('/exec') ? { status: 201, body: { Id: 'e1' } } : { stall: true }));
    const { docker } = engine;
    const controller = new AbortController();
    const { signal } = controller;
    const container = docker.containers.get('c1');
    const reads: Array<Promise<unknown>> = [];
    const drain = async (source: AsyncIterable<unknown>) => {
      for await (const _ of source) void _;
    };
    for (let i = 0; i < STREAMS; i++) {
      const kind = i % 3;
      if (kind === 0) reads.push(drain(docker.events({ signal })).then(() => 'ended', (e: unknown) => e));
      else if (kind === 1) reads.push(drain(container.logs({ follow: true, stdout: true, signal })).then(() => 'ended', (e: unknown) => e));
      else reads.push(container.exec(['true'], { tty: true, signal }).output().then(() => 'ended', (e: unknown) => e));
    }
    await expect.poll(() => engine?.requests.length ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(100);
    expect(getEventListeners(signal, 'abort').length).toBe(1);
    controller.abort();
    const outcomes = await Promise.all(reads);
    expect(outcomes.filter((o) => !(o instanceof AbortError))).toEqual([]);
    await settle();
    expect(maxListenerWarnings()).toEqual([]);
  });
});
