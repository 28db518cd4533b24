import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/index.js';
import { type RecordingEngine, recordingEngine } from '../support/recording-engine.js';
import { requestTable } from '../support/request-table.js';

// Request tables of swarm mode: swarm, nodes, tasks, secrets, configs (services: services.test.ts).
let engine: RecordingEngine;
beforeAll(async () => {
  engine = await recordingEngine({ apiVersion: '1.41' });
});
afterAll(() => engine.close());
beforeEach(() => engine.respond({ body: { ID: 'new-id' } }));

describe('swarm requests', () => {
  requestTable(() => engine, [
    { op: 'SwarmInit', name: 'init', call: (e) => e.docker.swarm.init({ AdvertiseAddr: '127.0.0.1' }), method: 'POST', path: '/swarm/init', json: { ListenAddr: '0.0.0.0:2377', AdvertiseAddr: '127.0.0.1' } },
    { op: 'SwarmJoin', name: 'join', call: (e) => e.docker.swarm.join({ ListenAddr: '0.0.0.0:2377', RemoteAddrs: ['10.0.0.1:2377'], JoinToken: 'T' }), method: 'POST', path: '/swarm/join', json: { ListenAddr: '0.0.0.0:2377', RemoteAddrs: ['10.0.0.1:2377'], JoinToken: 'T' } },
    { op: 'SwarmLeave', name: 'leave force', call: (e) => e.docker.swarm.leave({ force: true }), method: 'POST', path: '/swarm/leave', query: { force: ['1'] } },
    { op: 'SwarmInspect', name: 'inspect', call: (e) => e.docker.swarm.inspect(), method: 'GET', path: '/swarm' },
    {
      op: 'SwarmUpdate',
      name: 'update with version and rotations',
      call: (e) => e.docker.swarm.update({ Name: 'default' }, { version: 12, rotateWorkerToken: true, rotateManagerToken: false, rotateManagerUnlockKey: true }),
      method: 'POST',
      path: '/swarm/update',
      query: { version: ['12'], rotateWorkerToken: ['1'], rotateManagerToken: ['0'], rotateManagerUnlockKey: ['1'] },
      json: { Name: 'default' },
    },
    { op: 'SwarmUnlockkey', name: 'unlock key', call: (e) => e.docker.swarm.unlockKey(), method: 'GET', path: '/swarm/unlockkey' },
    { op: 'SwarmUnlock', name: 'unlock', call: (e) => e.docker.swarm.unlock({ UnlockKey: 'SWMKEY-1-x' }), method: 'POST', path: '/swarm/unlock', json: { UnlockKey: 'SWMKEY-1-x' } },
  ]);

  it('the engine refusing a write (409) is mapped to ConflictError', async () => {
    engine.respond({ status: 409, body: { message: 'update out of sequence' } });
    await expect(engine.docker.swarm.update({}, { version: 1 })).rejects.toThrow(ConflictError);
  });
});

describe('node requests', () => {
  requestTable(() => engine, [
    { op: 'NodeList', name: 'list', call: (e) => e.docker.nodes.list({ filters: { role: ['manager'] } }), method: 'GET', path: '/nodes', query: { filters: ['{"role":["manager"]}'] } },
    { op: 'NodeInspect', name: 'inspect', call: (e) => e.docker.nodes.get('n/1').inspect(), method: 'GET', path: '/nodes/n%2F1' },
    {
      op: 'NodeUpdate',
      name: 'update',
      call: (e) => e.docker.nodes.get('n1').update({ Availability: 'drain', Role: 'manager' }, { version: 5 }),
      method: 'POST',
      path: '/nodes/n1/update',
      query: { version: ['5'] },
      json: { Availability: 'drain', Role: 'manager' },
    },
    { op: 'NodeDelete', name: 'remove force', call: (e) => e.docker.nodes.get('n1').remove({ force: true }), method: 'DELETE', path: '/nodes/n1', query: { force: ['1'] } },
  ]);
});

describe('task requests', () => {
  requestTable(() => engine, [
    { op: 'TaskList', name: 'list', call: (e) => e.docker.tasks.list({ filters: { service: ['web'], 'desired-state': ['running'] } }), method: 'GET', path: '/tasks', query: { filters: ['{"service":["web"],"desired-state":["running"]}'] } },
    { op: 'TaskInspect', name: 'inspect', call: (e) => e.docker.tasks.get('t1').inspect(), method: 'GET', path: '/tasks/t1' },
    {
      op: 'TaskLogs',
      name: 'logs with every option',
      call: (e) => e.docker.tasks.get('t1').logs({ details: true, follow: false, since: 1700000000, timestamps: true, tail: 5, stdout: true, stderr: false }).text(),
      method: 'GET',
      path: '/tasks/t1/logs',
      query: { details: ['1'], follow: ['0'], stdout: ['1'], stderr: ['0'], since: ['1700000000'], timestamps: ['1'], tail: ['5'] },
      respond: (req) => (req.path.endsWith('/logs') ? { body: '' } : { body: { Spec: { ContainerSpec: {} } } }),
    },
  ]);
});

describe('secret requests', () => {
  requestTable(() => engine, [
    { op: 'SecretList', name: 'list', call: (e) => e.docker.secrets.list({ filters: { name: ['s1'] } }), method: 'GET', path: '/secrets', query: { filters: ['{"name":["s1"]}'] } },
    { op: 'SecretCreate', name: 'create', call: (e) => e.docker.secrets.create({ Name: 's1', Data: 'cHc=' }), method: 'POST', path: '/secrets/create', respond: { body: { ID: 'new-id' } }, json: { Name: 's1', Data: 'cHc=' } },
    { op: 'SecretInspect', name: 'inspect', call: (e) => e.docker.secrets.get('s1').inspect(), method: 'GET', path: '/secrets/s1' },
    { op: 'SecretUpdate', name: 'update', call: (e) => e.docker.secrets.get('s1').update({ Name: 's1', Labels: { a: '1' } }, { version: 3 }), method: 'POST', path: '/secrets/s1/update', query: { version: ['3'] }, json: { Name: 's1', Labels: { a: '1' } } },
    { op: 'SecretDelete', name: 'remove', call: (e) => e.docker.secrets.get('s1').remove(), method: 'DELETE', path: '/secrets/s1' },
  ]);

  it('create resolves with a handle on the new secret by ID', async () => {
    const s = await engine.docker.secrets.create({ Name: 's1', Data: 'cHc=' });
    expect(s.id).toBe('new-id');
  });
});

describe('config requests', () => {
  requestTable(() => engine, [
    { op: 'ConfigList', name: 'list', call: (e) => e.docker.configs.list({ filters: { label: ['a'] } }), method: 'GET', path: '/configs', query: { filters: ['{"label":["a"]}'] } },
    { op: 'ConfigCreate', name: 'create', call: (e) => e.docker.configs.create({ Name: 'c1', Data: 'eA==' }), method: 'POST', path: '/configs/create', respond: { body: { ID: 'new-id' } }, json: { Name: 'c1', Data: 'eA==' } },
    { op: 'ConfigInspect', name: 'inspect', call: (e) => e.docker.configs.get('c1').inspect(), method: 'GET', path: '/configs/c1' },
    { op: 'ConfigUpdate', name: 'update', call: (e) => e.docker.configs.get('c1').update({ Name: 'c1', Labels: { a: '1' } }, { version: 4 }), method: 'POST', path: '/configs/c1/update', query: { version: ['4'] }, json: { Name: 'c1', Labels: { a: '1' } } },
    { op: 'ConfigDelete', name: 'remove', call: (e) => e.docker.configs.get('c1').remove(), method: 'DELETE', path: '/configs/c1' },
  ]);
});
