import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackResources } from '@dockyard/testkit';
import { type Container, ConflictError, Docker } from '../src/index.js';
import { createContainer, startContainer } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
let c: Container;
beforeAll(async () => {
  c = await startContainer(docker, resources);
});
afterAll(() => docker.close());

describe('exec against the engine', () => {
  it('1 MiB of stdin through cat, half-closed, comes back whole', async () => {
    const input = randomBytes(1 << 20);
    const proc = c.exec(['cat'], { stdin: true });
    const reading = (async () => {
      const parts: Uint8Array[] = [];
      for await (const data of proc.stdout) parts.push(data);
      return Buffer.concat(parts);
    })();
    for (let at = 0; at < input.length; at += 64 * 1024) await proc.stdin.write(input.subarray(at, at + 64 * 1024));
    await proc.stdin.end();
    const echoed = await reading;
    expect(echoed.length).toBe(input.length);
    expect(echoed.equals(input)).toBe(true);
    expect(await proc.wait()).toEqual({ exitCode: 0 });
  });

  it.each([
    ['true', 0],
    ['exit 1', 1],
    ['kill -9 $$', 137],
  ])('exit code of `%s` is %i', async (script, code) => {
    expect(await c.exec(['sh', '-c', script]).wait()).toEqual({ exitCode: code });
  });

  it('output() collects both streams; env, workdir and user apply', async () => {
    const result = await c
      .exec(['sh', '-c', 'echo "$A $B" ; pwd; id -u; echo oops >&2; exit 4'], { env: { A: '1', B: 'two' }, workdir: '/tmp', user: '65534' })
      .output();
    expect(result).toEqual({ exitCode: 4, stdout: '1 two\n/tmp\n65534\n', stderr: 'oops\n' });
    const list = await c.exec(['sh', '-c', 'echo $X'], { env: ['X=from-list'] }).output();
    expect(list.stdout).toBe('from-list\n');
  });

  it('chunks are tagged per stream, in order per stream', async () => {
    const chunks: Array<[string, string]> = [];
    for await (const { stream, data } of c.exec(['sh', '-c', 'echo a; echo b >&2; echo c'])) chunks.push([stream, Buffer.from(data).toString()]);
    expect(chunks.filter(([s]) => s === 'stdout').map(([, d]) => d).join('')).toBe('a\nc\n');
    expect(chunks.filter(([s]) => s === 'stderr').map(([, d]) => d).join('')).toBe('b\n');
  });

  it('a TTY exec comes raw as stdout and can be resized', async () => {
    // The shell waits (up to 10 s) for the resize instead of racing a fixed sleep against it.
    const proc = c.exec(['sh', '-c', 'for i in $(seq 200); do [ "$(stty size)" = "33 111" ] && break; sleep 0.05; done; stty size; echo to-stderr >&2'], { tty: true });
    await proc.resize({ h: 33, w: 111 });
    const { stdout, stderr, exitCode } = await proc.output();
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('33 111');
    expect(stdout).toContain('to-stderr\r\n');
  });

  it('exec() returns at once; an exec in a stopped container rejects on the first await', async () => {
    const stopped = await createContainer(docker, resources);
    const proc = stopped.exec(['true']);
    await expect(proc.wait()).rejects.toBeInstanceOf(ConflictError);
  });

  it('writing to an exec made without stdin says what to do', async () => {
    const proc = c.exec(['true']);
    await expect(proc.stdin.write('x')).rejects.toThrow(/stdin: true/);
    await proc.wait();
  });
});
