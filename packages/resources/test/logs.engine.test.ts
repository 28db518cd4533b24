import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trackResources } from '@dockyard/testkit';
import { AbortError, type Chunk, Docker, NotFoundError } from '../src/index.js';
import { collectBytes, createContainer, startContainer } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

describe('logs against the engine', () => {
  it('20 MB of mixed stdout/stderr equals `docker logs` byte for byte, per stream', async () => {
    // ~10 MB per stream, written concurrently so frames interleave; lines of 5 to 400 bytes.
    const lines = (tag: string, width: number) => `awk 'BEGIN{for(i=0;i<52000;i++) printf("${tag} %0" (i%${width}+1) "d\\n", i)}'`;
    const c = await createContainer(docker, resources, {
      Cmd: ['sh', '-c', `${lines('out', 397)} & ${lines('err', 389)} >&2; wait`],
    });
    await c.start();
    await c.wait();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    for await (const { stream, data } of c.logs()) (stream === 'stdout' ? out : err).push(Buffer.from(data));
    const dir = mkdtempSync(join(tmpdir(), 'dockyard-logs-'));
    try {
      execFileSync('sh', ['-c', `docker logs ${c.id} > ${dir}/out 2> ${dir}/err`]);
      const cliOut = readFileSync(join(dir, 'out'));
      const cliErr = readFileSync(join(dir, 'err'));
      expect(cliOut.length + cliErr.length).toBeGreaterThan(20_000_000);
      expect(Buffer.concat(out).equals(cliOut)).toBe(true);
      expect(Buffer.concat(err).equals(cliErr)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a TTY container yields every chunk as stdout, raw', async () => {
    const c = await createContainer(docker, resources, { Tty: true, Cmd: ['sh', '-c', 'echo out; echo err >&2'] });
    await c.start();
    await c.wait();
    const chunks: Chunk[] = [];
    for await (const chunk of c.logs()) chunks.push(chunk);
    expect(chunks.every((ch) => ch.stream === 'stdout')).toBe(true);
    expect(Buffer.concat(chunks.map((ch) => ch.data)).toString()).toBe('out\r\nerr\r\n');
  });

  it('lines() with timestamps, text(), and stdout/stderr views', async () => {
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', 'echo one; echo two >&2; printf "three-no-newline"'] });
    await c.start();
    await c.wait();
    const lines = [];
    for await (const line of c.logs({ timestamps: true }).lines()) lines.push(line);
    expect(lines.map((l) => [l.stream, l.text]).sort()).toEqual(
      [
        ['stdout', 'one'],
        ['stderr', 'two'],
        ['stdout', 'three-no-newline'],
      ].sort(),
    );
    for (const line of lines) expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);

    const text = await c.logs().text();
    expect(text.split('\n').sort()).toEqual(['one', 'three-no-newline', 'two'].sort());
    expect((await collectBytes(c.logs().stdout)).toString()).toBe('one\nthree-no-newline');
    expect((await collectBytes(c.logs().stderr)).toString()).toBe('two\n');
    const both = c.logs();
    const { stdout, stderr } = both;
    const [o, e] = await Promise.all([collectBytes(stdout), collectBytes(stderr)]);
    expect([o.toString(), e.toString()]).toEqual(['one\nthree-no-newline', 'two\n']);

    const tail = await c.logs({ tail: 1, stderr: false }).text();
    expect(tail).toBe('three-no-newline');
    const chunkTs: Chunk[] = [];
    for await (const chunk of c.logs({ timestamps: true, stderr: false })) chunkTs.push(chunk);
    expect(chunkTs[0]?.timestamp).toMatch(/Z$/);
    expect(Buffer.from(chunkTs[0]!.data).toString()).toBe('one\n');
  });

  it('follow streams a running container and ends normally after its last byte when it is stopped', async () => {
    const c = await startContainer(docker, resources, {
      Cmd: ['sh', '-c', "trap 'echo bye; exit 0' TERM; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done"],
    });
    const seen: string[] = [];
    let stopped = false;
    for await (const line of c.logs({ follow: true }).lines()) {
      seen.push(line.text);
      if (seen.length === 3 && !stopped) {
        stopped = true;
        void c.stop({ timeout: 10 });
      }
    }
    expect(seen.slice(0, 3)).toEqual(['tick 0', 'tick 1', 'tick 2']);
    expect(seen.at(-1)).toBe('bye');
  });

  it('an abort mid-read ends the loop with AbortError', async () => {
    const c = await startContainer(docker, resources, { Cmd: ['sh', '-c', 'while true; do echo spam; done'] });
    const controller = new AbortController();
    let bytes = 0;
    const err = await (async () => {
      for await (const { data } of c.logs({ follow: true, signal: controller.signal })) {
        bytes += data.length;
        if (bytes > 100_000) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(bytes).toBeGreaterThan(100_000);
  });

  it('logs of a missing container reject with NotFoundError on the first read', async () => {
    const stream = docker.containers.get('dockyard-no-such-container').logs();
    await expect(stream.text()).rejects.toBeInstanceOf(NotFoundError);
  });
});
