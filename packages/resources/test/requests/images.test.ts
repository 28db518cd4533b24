import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { type RecordingEngine, recordingEngine } from '../support/recording-engine.js';
import { type RequestRow, drain, requestTable, versionGateTable } from '../support/request-table.js';

let engine: RecordingEngine;
let home: string;
beforeAll(async () => {
  // An empty docker config: no credentials are found unless a call passes `auth`.
  home = mkdtempSync(join(tmpdir(), 'dockyard-req-images-'));
  engine = await recordingEngine({ apiVersion: '1.41', docker: { env: { DOCKER_CONFIG: home }, homeDir: home } });
});
afterAll(async () => {
  await engine.close();
  rmSync(home, { recursive: true, force: true });
});

const AUTH = { username: 'u', password: 'p' };
const authOf = (header: unknown) => JSON.parse(Buffer.from(String(header), 'base64url').toString('utf8'));
const progress = (...messages: object[]) => ({ body: messages.map((m) => JSON.stringify(m)).join('\r\n') });

describe('image requests', () => {
  const rows: RequestRow[] = [
    {
      op: 'ImageCreate',
      name: 'pull by tag, with auth',
      call: (e) => e.docker.images.pull('127.0.0.1:5000/app:2', { auth: AUTH, platform: 'linux/amd64' }).done(),
      respond: progress({ status: 'Pulling' }),
      method: 'POST',
      path: '/images/create',
      query: { fromImage: ['127.0.0.1:5000/app'], tag: ['2'], platform: ['linux/amd64'] },
      headers: { 'x-registry-auth': true },
    },
    {
      op: 'ImageCreate',
      name: 'pull by digest',
      call: (e) => e.docker.images.pull(`app@sha256:${'a'.repeat(64)}`).done(),
      respond: progress({ status: 'ok' }),
      method: 'POST',
      path: '/images/create',
      query: { fromImage: [`app@sha256:${'a'.repeat(64)}`] },
    },
    {
      op: 'ImageCreate',
      name: 'import from a tar',
      call: (e) => e.docker.images.import(Buffer.from('tar'), { repo: 'imp', tag: '1', changes: ['CMD ["sh"]'], message: 'm', platform: 'linux' }).done(),
      respond: progress({ status: `sha256:${'b'.repeat(64)}` }),
      method: 'POST',
      path: '/images/create',
      query: { fromSrc: ['-'], repo: ['imp'], tag: ['1'], changes: ['CMD ["sh"]'], message: ['m'], platform: ['linux'] },
      body: 'tar',
      headers: { 'content-type': 'application/x-tar' },
    },
    {
      op: 'ImagePush',
      call: (e) => e.docker.images.push('127.0.0.1:5000/team/app:2', { auth: AUTH }).done(),
      respond: progress({ aux: { Tag: '2', Digest: `sha256:${'c'.repeat(64)}`, Size: 5 } }),
      method: 'POST',
      path: '/images/127.0.0.1%3A5000%2Fteam%2Fapp/push',
      query: { tag: ['2'] },
      headers: { 'x-registry-auth': true },
    },
    {
      op: 'ImagePush',
      name: 'without credentials still sends an (empty) X-Registry-Auth',
      call: (e) => e.docker.images.get('app').push().done(),
      respond: progress({ status: 'ok' }),
      method: 'POST',
      path: '/images/app/push',
      query: { tag: ['latest'] },
      headers: { 'x-registry-auth': true },
    },
    {
      op: 'ImageBuild',
      call: (e) =>
        e.docker.images
          .build({
            context: Buffer.from('tar'),
            dockerfile: 'docker/Dockerfile',
            tag: ['a:1', 'b:2'],
            extrahosts: 'h:1.2.3.4',
            remote: undefined,
            q: true,
            nocache: true,
            cachefrom: ['a:0'],
            pull: true,
            rm: false,
            forcerm: true,
            memory: 1,
            memswap: 2,
            cpushares: 3,
            cpusetcpus: '0-1',
            cpuperiod: 4,
            cpuquota: 5,
            buildargs: { V: '1' },
            shmsize: 6,
            squash: false,
            labels: { l: 'v' },
            networkmode: 'host',
            platform: 'linux/amd64',
            target: 'final',
            outputs: [{ Type: 'moby', Attrs: { compression: 'zstd' } }],
            version: '1',
            auth: { 'reg.example': AUTH },
          })
          .done(),
      respond: progress({ aux: { ID: 'sha256:d' } }),
      method: 'POST',
      path: '/build',
      query: {
        dockerfile: ['docker/Dockerfile'],
        t: ['a:1', 'b:2'],
        extrahosts: ['h:1.2.3.4'],
        q: ['1'],
        nocache: ['1'],
        cachefrom: ['["a:0"]'],
        pull: ['1'],
        rm: ['0'],
        forcerm: ['1'],
        memory: ['1'],
        memswap: ['2'],
        cpushares: ['3'],
        cpusetcpus: ['0-1'],
        cpuperiod: ['4'],
        cpuquota: ['5'],
        buildargs: ['{"V":"1"}'],
        shmsize: ['6'],
        squash: ['0'],
        labels: ['{"l":"v"}'],
        networkmode: ['host'],
        platform: ['linux/amd64'],
        target: ['final'],
        outputs: ['[{"Type":"moby","Attrs":{"compression":"zstd"}}]'],
        version: ['1'],
      },
      body: 'tar',
      headers: { 'content-type': 'application/x-tar', 'x-registry-config': true },
    },
    {
      op: 'ImageBuild',
      name: 'remote context',
      call: (e) => e.docker.images.build({ remote: 'https://example.com/repo.git' }).done(),
      respond: progress({ aux: { ID: 'sha256:e' } }),
      method: 'POST',
      path: '/build',
      query: { remote: ['https://example.com/repo.git'] },
    },
    {
      op: 'ImageGetAll',
      call: (e) => drain(e.docker.images.save(['a:1', 'b/c:2'])),
      respond: { body: Buffer.from('tar') },
      method: 'GET',
      path: '/images/get',
      query: { names: ['a:1', 'b/c:2'] },
    },
    {
      op: 'ImageGet',
      call: (e) => drain(e.docker.images.get('b/c:2').export()),
      respond: { body: Buffer.from('tar') },
      method: 'GET',
      path: '/images/b%2Fc%3A2/get',
      query: {},
    },
    {
      op: 'ImageLoad',
      call: (e) => e.docker.images.load(Buffer.from('tar'), { quiet: true }).done(),
      respond: progress({ stream: 'Loaded image: a:1\n' }),
      method: 'POST',
      path: '/images/load',
      query: { quiet: ['1'] },
      body: 'tar',
      headers: { 'content-type': 'application/x-tar' },
    },
    {
      op: 'ImageSearch',
      call: (e) => e.docker.images.search('busy box', { limit: 2, filters: { 'is-official': ['true'] } }),
      respond: { body: [] },
      method: 'GET',
      path: '/images/search',
      query: { term: ['busy box'], limit: ['2'], filters: ['{"is-official":["true"]}'] },
    },
    {
      op: 'ImageList',
      call: (e) => e.docker.images.list({ all: true, digests: true, filters: { dangling: ['true'] } }),
      respond: { body: [] },
      method: 'GET',
      path: '/images/json',
      query: { all: ['1'], digests: ['1'], filters: ['{"dangling":["true"]}'] },
    },
    { op: 'ImagePrune', call: (e) => e.docker.images.prune({ filters: { dangling: ['false'] } }), method: 'POST', path: '/images/prune', query: { filters: ['{"dangling":["false"]}'] } },
    { op: 'ImageInspect', call: (e) => e.docker.images.get('127.0.0.1:5000/app:2').inspect(), method: 'GET', path: '/images/127.0.0.1%3A5000%2Fapp%3A2/json', query: {} },
    { op: 'ImageHistory', call: (e) => e.docker.images.get('app').history(), respond: { body: [] }, method: 'GET', path: '/images/app/history', query: {} },
    {
      op: 'ImageTag',
      call: (e) => e.docker.images.get('app:2').tag({ repo: '127.0.0.1:5000/app', tag: '2' }),
      respond: { status: 201 },
      method: 'POST',
      path: '/images/app%3A2/tag',
      query: { repo: ['127.0.0.1:5000/app'], tag: ['2'] },
    },
    {
      op: 'ImageDelete',
      call: (e) => e.docker.images.get('app:2').remove({ force: true, noprune: true }),
      respond: { body: [] },
      method: 'DELETE',
      path: '/images/app%3A2',
      query: { force: ['1'], noprune: ['1'] },
    },
  ];
  requestTable(() => engine, rows);

  versionGateTable(() => engine, [
    { op: 'ImageAttestations', option: 'attestations', version: '1.55', call: (e) => e.docker.images.get('a').attestations() },
    { op: 'ImagePush', option: 'platform', version: '1.46', call: (e) => e.docker.images.push('app:1', { platform: '{"os":"linux"}' }).done() },
    { op: 'ImageList', option: 'shared-size', version: '1.42', call: (e) => e.docker.images.list({ 'shared-size': true }) },
    { op: 'ImageList', option: 'manifests', version: '1.47', call: (e) => e.docker.images.list({ manifests: true }) },
    { op: 'ImageList', option: 'identity', version: '1.52', call: (e) => e.docker.images.list({ identity: true }) },
    { op: 'ImageInspect', option: 'manifests', version: '1.48', call: (e) => e.docker.images.get('a').inspect({ manifests: true }) },
    { op: 'ImageInspect', option: 'platform', version: '1.49', call: (e) => e.docker.images.get('a').inspect({ platform: '{"os":"linux"}' }) },
    { op: 'ImageHistory', option: 'platform', version: '1.48', call: (e) => e.docker.images.get('a').history({ platform: '{"os":"linux"}' }) },
    { op: 'ImageDelete', option: 'platforms', version: '1.50', call: (e) => e.docker.images.get('a').remove({ platforms: ['{"os":"linux"}'] }) },
    { op: 'ImageGet', option: 'platform', version: '1.48', call: (e) => drain(e.docker.images.get('a').export({ platform: ['{"os":"linux"}'] })) },
    { op: 'ImageGetAll', option: 'platform', version: '1.48', call: (e) => drain(e.docker.images.save('a', { platform: ['{"os":"linux"}'] })) },
    { op: 'ImageLoad', option: 'platform', version: '1.48', call: (e) => e.docker.images.load(Buffer.from(''), { platform: ['{"os":"linux"}'] }).done() },
  ]);

  it('pull sends the credentials for the reference’s registry', async () => {
    engine.respond(progress({ status: 'ok' }));
    await engine.docker.images.pull('127.0.0.1:5000/app:2', { auth: AUTH }).done();
    expect(authOf(engine.last().headers['x-registry-auth'])).toEqual({ serveraddress: '127.0.0.1:5000', username: 'u', password: 'p' });
  });

  it('build with a Dockerfile outside the context sends it in the tar under a generated name, hidden by .dockerignore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockyard-req-build-'));
    try {
      writeFileSync(join(dir, 'app.txt'), 'x');
      writeFileSync(join(tmpdir(), `${dir.split('/').pop()}.Dockerfile`), 'FROM scratch\n');
      engine.respond(progress({ aux: { ID: 'sha256:f' } }));
      await engine.docker.images.build({ context: dir, dockerfile: `${dir}.Dockerfile` }).done();
      const req = engine.last();
      const name = req.query.dockerfile?.[0] ?? '';
      expect(name).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/);
      const entries = await tarEntries(Buffer.from(req.body, 'latin1'));
      expect(entries.get(name)).toBe('FROM scratch\n');
      expect(entries.get('.dockerignore')).toBe(`${name}\n`);
      expect(entries.get('app.txt')).toBe('x');
      // The same file named relative to the context directory, as `-f ../x.Dockerfile` from inside it.
      await engine.docker.images.build({ context: dir, dockerfile: `../${dir.split('/').pop()}.Dockerfile` }).done();
      expect(engine.last().query.dockerfile?.[0]).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.Dockerfile`, { force: true });
    }
  });

  it('build with an absolute Dockerfile path inside the context sends its path relative to the context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockyard-req-build-'));
    try {
      writeFileSync(join(dir, 'Build.df'), 'FROM scratch\n');
      engine.respond(progress({ aux: { ID: 'sha256:f' } }));
      await engine.docker.images.build({ context: dir, dockerfile: join(dir, 'Build.df') }).done();
      expect(engine.last().query.dockerfile).toEqual(['Build.df']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('image requests on a 1.55 engine', () => {
  it('attestations sends GET with the platform and returns the statements', async () => {
    const newest = await recordingEngine({ apiVersion: '1.55', docker: { env: { DOCKER_CONFIG: home }, homeDir: home } });
    try {
      const statement = { digest: 'sha256:1', mediaType: 'application/vnd.in-toto+json', size: 2, statement: {} };
      newest.respond({ body: [statement] });
      // 'ImageAttestations'
      expect(await newest.docker.images.get('127.0.0.1:5000/app:2').attestations({ platform: ['{"os":"linux","architecture":"amd64"}'] })).toEqual([statement]);
      const req = newest.last();
      expect([req.method, req.path, req.version]).toEqual(['GET', '/images/127.0.0.1%3A5000%2Fapp%3A2/attestations', '1.55']);
      expect(req.query).toEqual({ platform: ['{"os":"linux","architecture":"amd64"}'] });
    } finally {
      await newest.close();
    }
  });
});

describe('image requests on a 1.46 engine', () => {
  it('push sends `platform`', async () => {
    const newer = await recordingEngine({ apiVersion: '1.46', docker: { env: { DOCKER_CONFIG: home }, homeDir: home } });
    try {
      newer.respond(progress({ status: 'ok' }));
      await newer.docker.images.push('app:1', { platform: '{"os":"linux"}' }).done();
      expect(newer.last().query).toEqual({ tag: ['1'], platform: ['{"os":"linux"}'] });
    } finally {
      await newer.close();
    }
  });
});

async function tarEntries(bytes: Buffer): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (b: unknown) => parts.push(b as Buffer));
      stream.on('end', () => {
        entries.set(header.name, Buffer.concat(parts).toString('utf8'));
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(bytes);
  await done;
  return entries;
}
