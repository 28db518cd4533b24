import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PluginPrivilegesRefusedError, encodeRegistryAuth } from '../../src/index.js';
import { type RecordedRequest, type RecordingEngine, recordingEngine } from '../support/recording-engine.js';
import { requestTable } from '../support/request-table.js';

let engine: RecordingEngine;
beforeAll(async () => {
  engine = await recordingEngine({ apiVersion: '1.41' });
});
afterAll(() => engine.close());

const privileges = [{ Name: 'network', Description: 'permissions to access a network', Value: ['host'] }];
const remote = '127.0.0.1:5000/me/vol:1';
const auth = { username: 'u', password: 'p' };
const header = encodeRegistryAuth({ serveraddress: '127.0.0.1:5000', ...auth });
// Privileges as JSON, progress as an empty stream, everything else `{}`.
const answer = (req: RecordedRequest) => (req.path === '/plugins/privileges' ? { body: privileges } : req.path.endsWith('/push') || req.path.endsWith('/pull') || req.path.endsWith('/upgrade') ? { body: '' } : { body: {} });
beforeEach(() => engine.respond(answer));

describe('plugin requests', () => {
  requestTable(() => engine, [
    { op: 'PluginList', name: 'list', call: (e) => e.docker.plugins.list({ filters: { capability: ['volumedriver'], enabled: ['true'] } }), method: 'GET', path: '/plugins', query: { filters: ['{"capability":["volumedriver"],"enabled":["true"]}'] } },
    { op: 'GetPluginPrivileges', name: 'privileges', respond: answer,
      call: (e) => e.docker.plugins.privileges(remote, { auth }), method: 'GET', path: '/plugins/privileges', query: { remote: [remote] }, headers: { 'x-registry-auth': header } },
    {
      op: 'PluginPull',
      name: 'install sends the granted privileges, the alias and the auth',
      respond: answer,
      call: (e) => e.docker.plugins.install(remote, { alias: 'vol', grant: () => true, auth }).done(),
      method: 'POST',
      path: '/plugins/pull',
      query: { remote: [remote], name: ['vol'] },
      json: privileges,
      headers: { 'x-registry-auth': header },
    },
    { op: 'PluginInspect', name: 'inspect', call: (e) => e.docker.plugins.get('me/vol:1').inspect(), method: 'GET', path: '/plugins/me%2Fvol%3A1/json' },
    { op: 'PluginDelete', name: 'remove force', call: (e) => e.docker.plugins.get('vol').remove({ force: true }), method: 'DELETE', path: '/plugins/vol', query: { force: ['1'] } },
    { op: 'PluginEnable', name: 'enable with the engine timeout', call: (e) => e.docker.plugins.get('vol').enable({ startTimeout: 10 }), method: 'POST', path: '/plugins/vol/enable', query: { timeout: ['10'] } },
    { op: 'PluginEnable', name: 'enable sends the CLI default timeout (engines refuse an enable without one)', call: (e) => e.docker.plugins.get('vol').enable(), method: 'POST', path: '/plugins/vol/enable', query: { timeout: ['30'] } },
    { op: 'PluginDisable', name: 'disable force', call: (e) => e.docker.plugins.get('vol').disable({ force: true }), method: 'POST', path: '/plugins/vol/disable', query: { force: ['1'] } },
    {
      op: 'PluginUpgrade',
      name: 'upgrade sends the granted privileges and auth',
      respond: answer,
      call: (e) => e.docker.plugins.get('vol').upgrade('127.0.0.1:5000/me/vol:2', { grant: () => true, auth }).done(),
      method: 'POST',
      path: '/plugins/vol/upgrade',
      query: { remote: ['127.0.0.1:5000/me/vol:2'] },
      json: privileges,
      headers: { 'x-registry-auth': header },
    },
    {
      op: 'PluginCreate',
      name: 'create from tar bytes',
      call: (e) => e.docker.plugins.create('me/vol:1', new Uint8Array([1, 2, 3])),
      method: 'POST',
      path: '/plugins/create',
      query: { name: ['me/vol:1'] },
      headers: { 'content-type': 'application/x-tar' },
    },
    { op: 'PluginPush', name: 'push', call: (e) => e.docker.plugins.get(remote).push({ auth }).done(), method: 'POST', path: '/plugins/127.0.0.1%3A5000%2Fme%2Fvol%3A1/push', headers: { 'x-registry-auth': header } },
    { op: 'PluginSet', name: 'configure', call: (e) => e.docker.plugins.get('vol').configure(['DEBUG=1']), method: 'POST', path: '/plugins/vol/set', json: ['DEBUG=1'] },
  ]);

  it('install passes the privileges to grant; refused, nothing is pulled', async () => {
    const before = engine.requests.length;
    let seen: unknown;
    const install = engine.docker.plugins.install(remote, {
      grant: (p) => {
        seen = p;
        return false;
      },
    });
    const err = await install.done().catch((e: unknown) => e);
    expect(seen).toEqual(privileges);
    expect(err).toBeInstanceOf(PluginPrivilegesRefusedError);
    expect((err as Error).message).toMatch(/not installed.*refused.*network=host/);
    expect(engine.requests.slice(before).map((r) => r.path)).toEqual(['/plugins/privileges']);
  });

  it('install without grant refuses a plugin that asks for privileges', async () => {
    await expect(engine.docker.plugins.install(remote).done()).rejects.toThrow(/no `grant` was given/);
  });

  it('install resolves with a handle named by the alias', async () => {
    const plugin = await engine.docker.plugins.install(remote, { alias: 'vol', grant: async () => true }).done();
    expect(plugin.name).toBe('vol');
  });
});
