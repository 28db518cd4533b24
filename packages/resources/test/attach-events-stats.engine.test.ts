import { afterAll, describe, expect, it } from 'vitest';
import { testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { AbortError, BadRequestError, Docker, type DockerEvent } from '../src/index.js';
import { collectBytes, createContainer, startContainer } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

describe('attach against the engine', () => {
  it('stdin to `sh -c cat`: write, half-close, and the whole echo arrives', async () => {
    const c = await createContainer(docker, resources, { Cmd: ['sh', '-c', 'cat; echo done >&2'], OpenStdin: true, StdinOnce: true, AttachStdin: true });
    const session = await c.attach({ stdin: true });
    await c.start();
    const { stdout, stderr } = session;
    const reading = Promise.all([collectBytes(stdout), collectBytes(stderr)]);
    await session.write('hello\n');
    await session.write(new TextEncoder().encode('world\n'));
    await session.end();
    const [out, err] = await reading;
    expect(out.toString()).toBe('hello\nworld\n');
    expect(err.toString()).toBe('done\n');
    expect(await c.wait()).toMatchObject({ StatusCode: 0 });
  });

  it('a TTY container attaches raw and resizes', async () => {
    const c = await createContainer(docker, resources, { Tty: true, OpenStdin: true, StdinOnce: true, Cmd: ['sh', '-c', 'read line; stty size; echo "got $line"'] });
    const session = await c.attach({ stdin: true });
    await c.start();
    await session.resize({ h: 22, w: 77 });
    await session.write('x\n');
    const chunks: string[] = [];
    for await (const { stream, data } of session) {
      expect(stream).toBe('stdout');
      chunks.push(Buffer.from(data).toString());
    }
    expect(chunks.join('')).toContain('22 77');
    expect(chunks.join('')).toContain('got x');
  });
});

describe('events against the engine', () => {
  it('yields typed events for what a container does, filtered, and stops on break', async () => {
    const since = new Date(Date.now() - 1000);
    const name = uniqueName('ev');
    resources.container(name);
    const c = await createContainer(docker, resources, { Cmd: ['true'] }, 'ev');
    await c.start();
    await c.wait();
    const seen: DockerEvent[] = [];
    for await (const ev of docker.events({ since, filters: { type: ['container'], container: [c.id] } })) {
      seen.push(ev);
      if (ev.Action === 'die') break;
    }
    expect(seen.map((e) => e.Action)).toEqual(expect.arrayContaining(['create', 'start', 'die']));
    expect(seen.every((e) => e.Type === 'container' && e.Actor?.ID === c.id)).toBe(true);
    expect(typeof seen[0]?.time).toBe('number');
    // timeNano is the engine's exact digits: the same second as `time`, nanoseconds kept.
    expect(seen.every((e) => /^\d{19}$/.test(e.timeNano ?? '') && (e.timeNano ?? '').startsWith(String(e.time)))).toBe(true);
  });

  it('until ends the stream by itself; a signal aborts a waiting one', async () => {
    const got: DockerEvent[] = [];
    for await (const ev of docker.events({ since: new Date(Date.now() - 60_000), until: new Date(), filters: { type: ['network'] } })) got.push(ev);
    expect(Array.isArray(got)).toBe(true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const err = await (async () => {
      for await (const _ of docker.events({ signal: controller.signal, filters: { event: ['no-such-event'] } })) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
  });
});

describe('stats against the engine', () => {
  it('stats() streams samples until break; statsOnce() returns one', async () => {
    const c = await startContainer(docker, resources);
    const samples = [];
    for await (const s of c.stats()) {
      samples.push(s);
      if (samples.length === 2) break;
    }
    expect(samples).toHaveLength(2);
    expect(samples[1]?.cpu_stats).toBeDefined();
    const once = await c.statsOnce();
    expect(once.memory_stats).toBeDefined();
    expect(once.name).toMatch(/^\//);
  });
});

describe('events({ reconnect: true }) against the engine', () => {
  it('a request the engine refuses (400) still throws; exact timeNano; break ends it', async () => {
    // The 20.10 engine ignores unknown event filters, so the 400 here is `since` after `until`.
    const err = await (async () => {
      for await (const _ of docker.events({ reconnect: true, since: 1000, until: 10 })) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toContain('cannot be after `until`');

    const name = uniqueName('evr');
    resources.volume(name);
    const since = new Date(Date.now() - 2000);
    await docker.volumes.create({ Name: name, Labels: testLabels() });
    let ev: DockerEvent | undefined;
    for await (const e of docker.events({ reconnect: true, since, filters: { type: ['volume'], volume: [name] } })) {
      if (e.Action === 'create') {
        ev = e;
        break;
      }
    }
    expect(ev?.Actor?.ID).toBe(name);
    expect(ev?.timeNano).toMatch(/^\d{19}$/);
  });
});
