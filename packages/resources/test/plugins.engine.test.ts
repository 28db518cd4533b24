import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY, trackResources, uniqueName } from '@dockyard/testkit';
import { Docker, NotFoundError, PluginPrivilegesRefusedError } from '../src/index.js';
import { makeTestPluginDir } from './support/test-plugin.js';

// A real managed plugin, built here (see support/test-plugin.ts), pushed to the local
// registry with auth and installed back from there.
const resources = trackResources();
const docker = new Docker();
const auth = { username: REGISTRY.username, password: REGISTRY.password };
const repo = `${REGISTRY.address}/${uniqueName('plugin')}`;
const alias = uniqueName('vol');
let dir: string;
let dir2: string;

/** Removes a plugin after the file, whatever state it is in. */
function trackPlugin(name: string): string {
  resources.defer(() => docker.plugins.get(name).remove({ force: true }).catch((e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e))));
  return name;
}

beforeAll(() => {
  dir = makeTestPluginDir('1');
  dir2 = makeTestPluginDir('2');
  resources.defer(() => rmSync(dir, { recursive: true, force: true }));
  resources.defer(() => rmSync(dir2, { recursive: true, force: true }));
});
afterAll(async () => {
  await resources.cleanup();
  await docker.close();
});

/** `docker.dummy/1.0`: engines send interface types as strings, though the spec has objects. */
function typeName(t: unknown): string {
  if (typeof t === 'string') return t;
  const { Prefix, Capability, Version } = t as { Prefix: string; Capability: string; Version: string };
  return `${Prefix}.${Capability}/${Version}`;
}

describe('plugins against the engine', () => {
  it('create from a directory, push with auth, remove; refused privileges install nothing; install back with alias and auth', async () => {
    const created = await docker.plugins.create(trackPlugin(`${repo}:1`), dir);
    const info = await created.inspect();
    expect([info.Name, info.Enabled, info.Config.Interface.Types.map(typeName)]).toEqual([`${repo}:1`, false, ['docker.dummy/1.0']]);

    const pushed = await created.push({ auth }).done();
    expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // A second version, for upgrade.
    await (await docker.plugins.create(trackPlugin(`${repo}:2`), dir2)).push({ auth }).done();
    await docker.plugins.get(`${repo}:1`).remove();
    await docker.plugins.get(`${repo}:2`).remove();
    expect((await docker.plugins.list()).map((p) => p.Name)).not.toContain(`${repo}:1`);

    expect(await docker.plugins.privileges(`${repo}:1`, { auth })).toEqual([{ Name: 'network', Description: 'permissions to access a network', Value: ['host'] }]);

    let asked: unknown;
    const refused = docker.plugins.install(`${repo}:1`, { alias: trackPlugin(alias), auth, grant: (privileges) => ((asked = privileges), false) });
    await expect(refused.done()).rejects.toBeInstanceOf(PluginPrivilegesRefusedError);
    expect(asked).toEqual([{ Name: 'network', Description: 'permissions to access a network', Value: ['host'] }]);
    await expect(docker.plugins.get(alias).inspect()).rejects.toBeInstanceOf(NotFoundError);

    const install = docker.plugins.install(`${repo}:1`, { alias, auth, grant: () => true });
    const statuses: string[] = [];
    for await (const p of install) if (p.status) statuses.push(p.status);
    const plugin = await install.done();
    expect(plugin.name).toBe(alias);
    expect(statuses.join('\n')).toMatch(/Download complete|Installed plugin/);
    expect((await plugin.inspect()).PluginReference).toBe(`${repo}:1`);
  });

  it('enable, disable, configure, upgrade, remove', async () => {
    const plugin = docker.plugins.get(alias);
    await plugin.enable({ startTimeout: 30 });
    expect((await plugin.inspect()).Enabled).toBe(true);
    expect((await docker.plugins.list({ filters: { enabled: ['true'], capability: ['dummy'] } })).map((p) => p.Name)).toContain(`${alias}:latest`);
    await plugin.disable();
    expect((await plugin.inspect()).Enabled).toBe(false);

    await plugin.configure(['DEBUG=1']);
    expect((await plugin.inspect()).Settings.Env).toContain('DEBUG=1');

    const upgrade = plugin.upgrade(`${repo}:2`, { auth, grant: () => true });
    await upgrade.done();
    expect((await plugin.inspect()).PluginReference).toBe(`${repo}:2`);

    await plugin.enable();
    await plugin.remove({ force: true });
    await expect(plugin.inspect()).rejects.toBeInstanceOf(NotFoundError);
  });
});
