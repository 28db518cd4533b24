import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '../../src/index.js';
import { type RecordingEngine, recordingEngine } from '../support/recording-engine.js';

// Request table: each row is one call and the request it must send (moby's container_logs_test.go).
let engine: RecordingEngine;
beforeAll(async () => {
  engine = await recordingEngine({ apiVersion: '1.41' });
});
afterAll(() => engine.close());

describe('volume requests', () => {
  const rows: Array<{ name: string; call: (e: RecordingEngine) => Promise<unknown>; method: string; path: string; query?: Record<string, string[]>; json?: unknown }> = [
    { name: 'VolumeInspect', call: (e) => e.docker.volumes.get('a/b').inspect(), method: 'GET', path: '/volumes/a%2Fb' },
    { name: 'VolumeDelete', call: (e) => e.docker.volumes.get('v').remove(), method: 'DELETE', path: '/volumes/v', query: {} },
    { name: 'VolumeDelete' + ' force', call: (e) => e.docker.volumes.get('v').remove({ force: true }), method: 'DELETE', path: '/volumes/v', query: { force: ['1'] } },
    { name: 'VolumeCreate', call: (e) => e.docker.volumes.create({ Name: 'v', Labels: { a: '1' } }), method: 'POST', path: '/volumes/create', json: { Name: 'v', Labels: { a: '1' } } },
    { name: 'VolumeList', call: (e) => e.docker.volumes.list({ filters: { label: ['a=1'] } }), method: 'GET', path: '/volumes', query: { filters: ['{"label":["a=1"]}'] } },
    { name: 'VolumePrune', call: (e) => e.docker.volumes.prune({ filters: { all: ['true'] } }), method: 'POST', path: '/volumes/prune', query: { filters: ['{"all":["true"]}'] } },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      engine.respond({ body: { Name: 'v', Volumes: [] } });
      await row.call(engine);
      const req = engine.last();
      expect(req.method).toBe(row.method);
      expect(req.path).toBe(row.path);
      expect(req.version).toBe('1.41');
      if (row.query) expect(req.query).toEqual(row.query);
      if (row.json !== undefined) expect(req.json).toEqual(row.json);
    });
  }

  it('list returns the array of volumes, like every list', async () => {
    engine.respond({ body: { Volumes: [{ Name: 'x' }], Warnings: [] } });
    expect(await engine.docker.volumes.list()).toEqual([{ Name: 'x' }]);
  });

  it('update (API 1.42) is refused by the version gate on a 1.41 engine, before sending', async () => {
    const before = engine.requests.length;
    const err = await engine.docker.volumes.get('v').update({}, { version: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toMatch(/`update`.*1\.42.*1\.41/);
    expect(engine.requests.length).toBe(before);
  });

  it('maps the engine status to the error family', async () => {
    engine.respond({ status: 404, body: { message: 'get nope: no such volume' } });
    await expect(engine.docker.volumes.get('nope').inspect()).rejects.toThrow(NotFoundError);
  });
});

// 'VolumeUpdate' on an engine that has it.
describe('volume update on a 1.43 engine', () => {
  it('sends PUT with the version and the spec', async () => {
    const newer = await recordingEngine({ apiVersion: '1.43' });
    try {
      newer.respond({ status: 200 });
      await newer.docker.volumes.get('cv').update({ Group: 'g' }, { version: 7 });
      const req = newer.last();
      expect([req.method, req.path, req.version]).toEqual(['PUT', '/volumes/cv', '1.43']);
      expect(req.query).toEqual({ version: ['7'] });
      expect(req.json).toEqual({ Spec: { Group: 'g' } });
    } finally {
      await newer.close();
    }
  });
});
