import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordingEngine, recordingEngine } from '../support/recording-engine.js';
import { type RequestRow, drain, requestTable, versionGateTable } from '../support/request-table.js';

let engine: RecordingEngine;
beforeAll(async () => {
  engine = await recordingEngine({ apiVersion: '1.41' });
});
afterAll(() => engine.close());

const net = (e: RecordingEngine) => e.docker.networks.get('n/1');

describe('network requests', () => {
  const rows: RequestRow[] = [
    {
      op: 'NetworkCreate',
      call: (e) => e.docker.networks.create({ Name: 'n1', Driver: 'bridge', Labels: { a: '1' } }),
      respond: { status: 201, body: { Id: 'nid', Warning: '' } },
      method: 'POST',
      path: '/networks/create',
      json: { Name: 'n1', Driver: 'bridge', Labels: { a: '1' } },
    },
    { op: 'NetworkList', call: (e) => e.docker.networks.list({ filters: { name: ['n1'] } }), respond: { body: [] }, method: 'GET', path: '/networks', query: { filters: ['{"name":["n1"]}'] } },
    { op: 'NetworkPrune', call: (e) => e.docker.networks.prune({ filters: { label: ['a'] } }), method: 'POST', path: '/networks/prune', query: { filters: ['{"label":["a"]}'] } },
    { op: 'NetworkInspect', call: (e) => net(e).inspect({ verbose: true, scope: 'local' }), method: 'GET', path: '/networks/n%2F1', query: { verbose: ['1'], scope: ['local'] } },
    { op: 'NetworkDelete', call: (e) => net(e).remove(), respond: { status: 204 }, method: 'DELETE', path: '/networks/n%2F1', query: {} },
    {
      op: 'NetworkConnect',
      call: (e) => net(e).connect('web', { aliases: ['db'], ipv4Address: '10.0.0.2' }),
      method: 'POST',
      path: '/networks/n%2F1/connect',
      json: { Container: 'web', EndpointConfig: { Aliases: ['db'], IPAMConfig: { IPv4Address: '10.0.0.2' } } },
    },
    { op: 'NetworkDisconnect', call: (e) => net(e).disconnect('web', { force: true }), method: 'POST', path: '/networks/n%2F1/disconnect', json: { Container: 'web', Force: true } },
  ];
  requestTable(() => engine, rows);

  it('create resolves with the handle, the engine warning on warnings', async () => {
    engine.respond({ status: 201, body: { Id: 'nid', Warning: 'subnet overlaps' } });
    const created = await engine.docker.networks.create({ Name: 'n1' });
    expect([created.id, created.warnings]).toEqual(['nid', ['subnet overlaps']]);
    engine.respond({ status: 201, body: { Id: 'nid', Warning: '' } });
    expect((await engine.docker.networks.create({ Name: 'n1' })).warnings).toEqual([]);
  });
});

describe('system requests', () => {
  const rows: RequestRow[] = [
    { op: 'SystemVersion', call: (e) => e.docker.version(), method: 'GET', path: '/version', query: {} },
    { op: 'SystemInfo', call: (e) => e.docker.info(), method: 'GET', path: '/info', query: {} },
    { op: 'SystemDataUsage', call: (e) => e.docker.df(), method: 'GET', path: '/system/df', query: {} },
    {
      op: 'SystemEvents',
      call: (e) => drain(e.docker.events({ since: 1, until: new Date(2_000), filters: { type: ['container'] } })),
      respond: { body: '{"Type":"container","Action":"die"}\n' },
      method: 'GET',
      path: '/events',
      query: { since: ['1'], until: ['2.000'], filters: ['{"type":["container"]}'] },
    },
  ];
  requestTable(() => engine, rows);

  // 'SystemPing'
  it('SystemPing → GET /_ping, unversioned', async () => {
    // A pinned client never pings to negotiate: the ping seen is the call's.
    const pinned = await recordingEngine({ apiVersion: '1.41', docker: { apiVersion: '1.41' } });
    try {
      expect(await pinned.docker.ping()).toBe(true);
      expect(pinned.pings).toEqual([{ method: 'GET', path: '/_ping' }]);
    } finally {
      await pinned.close();
    }
  });

  versionGateTable(() => engine, [
    { op: 'SystemDataUsage', option: 'type', version: '1.42', call: (e) => e.docker.df({ type: ['image'] }) },
    { op: 'SystemDataUsage', option: 'verbose', version: '1.52', call: (e) => e.docker.df({ verbose: true }) },
  ]);

  it('df sends each `type` on a 1.42 engine', async () => {
    const newer = await recordingEngine({ apiVersion: '1.42' });
    try {
      await newer.docker.df({ type: ['image', 'volume'] });
      expect(newer.last().query).toEqual({ type: ['image', 'volume'] });
    } finally {
      await newer.close();
    }
  });
});
