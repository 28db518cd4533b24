import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FluentServer, type FluentServerOptions } from '@fluent-org/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_IMAGE, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { DOCKYARD_BIN, docker } from './support/processes.js';

// `dockyard ship` as an operator runs it: a child process shipping to a real Fluent Forward
// receiver (FluentServer of @fluent-org/logger), stopped with SIGTERM, restarted on its checkpoint.

const resources = trackResources();
const [labelKey, labelValue] = Object.entries(testLabels())[0] as [string, string];
const selector = `dockyard.cli.ship=${uniqueName('ship')}`;

interface Entry {
  tag: string;
  record: Record<string, unknown>;
}

/** A receiver that keeps every entry it decoded. */
async function receiver(options: FluentServerOptions = {}): Promise<{ port: number; entries: Entry[]; stop(): Promise<void> }> {
  const server = new FluentServer({ ...options, listenOptions: { host: '127.0.0.1', port: 0 } });
  const entries: Entry[] = [];
  server.on('entry', (tag: string, _time: unknown, record: Record<string, unknown>) => entries.push({ tag, record }));
  await server.listen();
  return { port: server.port as number, entries, stop: () => server.close() };
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `dockyard ship …`; resolves its exit code and stderr once it ends. */
function startShip(args: string[]): { child: ChildProcess; ended: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(DOCKYARD_BIN, ['ship', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, ended };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!check()) throw new Error(`never happened: ${what}`);
}

async function container(script: string): Promise<string> {
  const name = resources.container(uniqueName('cliship'));
  const res = await docker(['run', '-d', '--name', name, '--label', `${labelKey}=${labelValue}`, '--label', selector, TEST_IMAGE, 'sh', '-c', script]);
  expect(res.code, res.stderr.toString()).toBe(0);
  return name;
}

describe('dockyard ship', () => {
  it("ships the selected containers' lines as the fluentd driver's records, acked; SIGTERM stops it; a restart resumes from the checkpoint", async () => {
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'dockyard-cli-ship-')), 'ship.json');
    const first = await container('echo one; echo two >&2; sleep 600');
    const r1 = await receiver();
    const args = ['--ack', '--checkpoint', checkpoint, '--label', selector, '--name', 'dockyard-cliship-*', '--tag', 'docker.{{.Name}}'];
    const run1 = startShip(['--forward', `127.0.0.1:${r1.port}`, ...args]);
    await until(() => r1.entries.length >= 2, 'two records at the receiver');
    expect(r1.entries.map((e) => [e.tag, e.record.log, e.record.source, e.record.container_name]).sort()).toEqual(
      [
        [`docker.${first}`, 'one', 'stdout', `/${first}`],
        [`docker.${first}`, 'two', 'stderr', `/${first}`],
      ].sort(),
    );
    run1.child.kill('SIGTERM');
    const end1 = await run1.ended;
    expect(end1.code, end1.stderr).toBe(0);
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toBeTruthy();
    await r1.stop();

    // Restarted on the same checkpoint: only what was not acked yet (the new container's line).
    const second = await container('echo three; sleep 600');
    const r2 = await receiver();
    const run2 = startShip(['--forward', `127.0.0.1:${r2.port}`, ...args]);
    await until(() => r2.entries.length >= 1, 'the new line at the second receiver');
    run2.child.kill('SIGTERM');
    expect((await run2.ended).code).toBe(0);
    await r2.stop();
    expect(r2.entries.map((e) => [e.tag, e.record.log])).toEqual([[`docker.${second}`, 'three']]);
  });

  it('--gzip and --shared-key: the handshake and compressed batches a secured receiver takes', async () => {
    const name = await container('echo secured; sleep 600');
    const r = await receiver({ security: { serverHostname: 'receiver', sharedKey: 's3cret', authorize: false, userDict: {} } });
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'dockyard-cli-ship-')), 'ship.json');
    const run = startShip(['--forward', `127.0.0.1:${r.port}`, '--ack', '--gzip', '--shared-key', 's3cret', '--checkpoint', checkpoint, '--name', name]);
    await until(() => r.entries.length >= 1, 'the line at the secured receiver');
    run.child.kill('SIGINT');
    expect((await run.ended).code).toBe(0);
    await r.stop();
    expect(r.entries.map((e) => [e.tag, e.record.log])).toEqual([[(await docker(['inspect', '--format', '{{.Id}}', name])).stdout.toString().slice(0, 12), 'secured']]);
  });

  it('a bad --forward is a usage error: 125 and one line', async () => {
    const { ended } = startShip(['--forward', 'no-port', '--checkpoint', '/tmp/x.json']);
    const end = await ended;
    expect(end.code).toBe(125);
    expect(end.stderr).toBe('dockyard: invalid --forward "no-port": use HOST:PORT, e.g. 127.0.0.1:24224\n');
  });
});
