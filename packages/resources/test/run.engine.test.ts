import { afterAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, engineCall, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { AbortError, ContainerError, Docker, NotFoundError } from '../src/index.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());
const labels = testLabels();

describe('docker.run against the engine', () => {
  it('collects stdout and stderr, copies them live, and removes the container', async () => {
    const live: Buffer[] = [];
    const result = await docker.run(TEST_IMAGE, ['sh', '-c', 'echo hi; echo warn >&2'], {
      remove: true,
      stream: { write: (d: Uint8Array) => live.push(Buffer.from(d)) },
      config: { Labels: labels },
    });
    resources.container(result.containerId);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hi\n', stderr: 'warn\n' });
    expect(Buffer.concat(live).toString().split('\n').sort()).toEqual(['', 'hi', 'warn']);
    expect((await engineCall('GET', `/containers/${result.containerId}/json`)).status).toBe(404);
  });

  it('a non-zero exit throws ContainerError with code, stderr, command and image; check:false returns it', async () => {
    const name = uniqueName('runfail');
    resources.container(name);
    const err = await docker
      .run(TEST_IMAGE, ['sh', '-c', 'echo failing >&2; exit 7'], { name, config: { Labels: labels } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerError);
    expect(err).toMatchObject({ exitCode: 7, stderr: 'failing\n', command: ['sh', '-c', 'echo failing >&2; exit 7'], image: TEST_IMAGE });
    expect((err as Error).message).toContain('failing');
    const kept = await docker.run(TEST_IMAGE, ['sh', '-c', 'exit 7'], { check: false, remove: true, config: { Labels: labels } });
    expect(kept.exitCode).toBe(7);
  });

  it('abort kills and removes the container', async () => {
    const name = uniqueName('runabort');
    resources.container(name);
    const controller = new AbortController();
    const running = docker.run(TEST_IMAGE, ['sh', '-c', 'echo started; sleep 60'], {
      name,
      signal: controller.signal,
      config: { Labels: labels },
      stream: { write: () => controller.abort() },
    });
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect((await engineCall('GET', `/containers/${name}/json`)).status).toBe(404);
  });

  it('an image that is nowhere gives the pull error', async () => {
    const err = await docker.run('127.0.0.1:5000/dockyard-nowhere:1', ['true'], { remove: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(NotFoundError);
  });
});
