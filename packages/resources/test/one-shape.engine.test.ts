// Issue 10: one shape across resources, and the faults it pinned (2, 8, 13, 14, 15, 16), against the real engine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { AbortError, type Chunk, ConnectionError, Docker, TimeoutError } from '../src/index.js';
import { dyingEngine } from './support/dying-engine.js';
import { createContainer, startContainer } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

async function collect(source: AsyncIterable<Chunk>): Promise<string> {
  let text = '';
  for await (const chunk of source) text += `${chunk.stream}:${Buffer.from(chunk.data).toString()}`;
  return text;
}

describe('attach', () => {
  let exited: Awaited<ReturnType<typeof createContainer>>;
  beforeAll(async () => {
    exited = await createContainer(docker, resources, { Cmd: ['sh', '-c', 'echo out; echo err >&2'] });
    await exited.start();
    await exited.wait();
  });

  it('to an exited container ends at once with the output so far (logs: true)', async () => {
    const session = await exited.attach({ logs: true });
    // Two pipes: the engine may log them in either order.
    expect((await collect(session)).split('\n').sort()).toEqual(['', 'stderr:err', 'stdout:out']);
  });

  it('to an exited container without logs ends at once, empty', async () => {
    expect(await collect(await exited.attach())).toBe('');
  });

  it('stream: false with logs: true gives the output so far, then ends, for a running container too', async () => {
    const running = await startContainer(docker, resources, { Cmd: ['sh', '-c', "echo ready; trap 'exit 0' TERM; sleep 3600 & wait"] });
    await running.logs({ follow: true }).lines()[Symbol.asyncIterator]().next();
    expect(await collect(await running.attach({ logs: true, stream: false }))).toBe('stdout:ready\n');
  });
});

describe('exec', () => {
  let c: Awaited<ReturnType<typeof startContainer>>;
  beforeAll(async () => {
    c = await startContainer(docker, resources);
  });

  it('inspect() gives the engine’s view of the exec; a detached exec returns once started and wait() follows it', async () => {
    const proc = c.exec(['sh', '-c', 'sleep 0.2; exit 3'], { detach: true });
    await proc.start();
    const info = await proc.inspect();
    expect(info.ID).toBe(await proc.id());
    expect(info.ContainerID).toBeDefined();
    expect(await proc.wait()).toEqual({ exitCode: 3 });
    expect((await proc.inspect()).Running).toBe(false);
  });

  it('an abort while reading throws AbortError', async () => {
    const controller = new AbortController();
    const proc = c.exec(['sh', '-c', 'echo started; sleep 30'], { signal: controller.signal });
    const reading = (async () => {
      for await (const _ of proc) controller.abort();
    })();
    await expect(reading).rejects.toThrow(AbortError);
  });

  it('a connection that closes before the exit is known (the engine died) throws ConnectionError', async () => {
    const relay = await dyingEngine();
    const viaRelay = new Docker({ host: relay.host });
    try {
      const proc = viaRelay.containers.get(c.id).exec(['sh', '-c', 'echo started; sleep 30']);
      const reading = (async () => {
        for await (const _ of proc) await relay.die();
      })();
      await expect(reading).rejects.toThrow(ConnectionError);
    } finally {
      await viaRelay.close();
    }
  });
});

describe('wait', () => {
  it('wait({ timeout }) of a container that keeps running throws TimeoutError', async () => {
    const c = await startContainer(docker, resources);
    await expect(c.wait({ timeout: 200 })).rejects.toThrow(TimeoutError);
  });
});

describe('build with the Dockerfile elsewhere, as the CLI builds', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dockyard-df-'));
    writeFileSync(join(dir, 'hello.txt'), 'hello\n');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.Dockerfile`, { force: true });
  });

  async function built(dockerfile: string) {
    const tag = `${uniqueName('df')}:1`;
    resources.image(tag);
    await docker.images.build({ context: dir, dockerfile, tag, labels: testLabels() }).done();
    const c = await docker.containers.create({ Image: tag, Cmd: ['sh', '-c', 'cat /hello.txt; ls -a /ctx'], Labels: testLabels() }, { name: uniqueName('df') });
    resources.container(c.id);
    await c.start();
    await c.wait();
    return c.logs().text();
  }

  it('an absolute path inside the context', async () => {
    writeFileSync(join(dir, 'Inner.df'), `FROM ${TEST_IMAGE}\nCOPY hello.txt /hello.txt\nCOPY . /ctx\n`);
    const out = await built(join(dir, 'Inner.df'));
    expect(out).toContain('hello\n');
    expect(out).toContain('Inner.df');
  });

  it('a Dockerfile outside the context: built, and left out of `COPY .`', async () => {
    writeFileSync(`${dir}.Dockerfile`, `FROM ${TEST_IMAGE}\nCOPY hello.txt /hello.txt\nCOPY . /ctx\n`);
    const out = await built(`${dir}.Dockerfile`);
    expect(out).toContain('hello\n');
    expect(out).not.toMatch(/\.dockerfile\./);
  });
});
