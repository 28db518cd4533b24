import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectionError, Docker } from '../src/index.js';

const docker = new Docker();
afterAll(() => docker.close());

describe('system calls against the engine', () => {
  it('ping, version, info, df, and the negotiated apiVersion', async () => {
    expect(docker.apiVersion).toBeUndefined();
    expect(await docker.ping()).toBe(true);
    const version = await docker.version();
    expect(version.ApiVersion).toBe('1.41');
    expect(docker.apiVersion).toBe('1.41');
    const info = await docker.info();
    expect(info.ServerVersion).toBe(version.Version);
    const df = await docker.df();
    expect(Array.isArray(df.Images)).toBe(true);
  });

  it('a pinned apiVersion is used as given', async () => {
    const pinned = new Docker({ apiVersion: '1.40' });
    try {
      expect(pinned.apiVersion).toBe('1.40');
      expect((await pinned.version()).ApiVersion).toBe('1.41');
    } finally {
      await pinned.close();
    }
  });

  it('ping of a missing socket throws ConnectionError naming the path', async () => {
    const nowhere = new Docker({ host: 'unix:///tmp/dockyard-no-such.sock' });
    const err = await nowhere.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain('/tmp/dockyard-no-such.sock');
    await nowhere.close();
  });

  it('a process whose only client is closed exits by itself', () => {
    const script = `
      import { Docker } from 'dockyard';
      const docker = new Docker();
      await docker.ping();
      for await (const _ of docker.events({ since: new Date(Date.now() - 5000) })) break;
      await docker.close();
      console.log('closed');
    `;
    // If a handle stayed open the child would never exit; the timeout turns that into a failure.
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed');
    expect(child.status).toBe(0);
  });
});
