import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY, TEST_IMAGE, trackResources, uniqueName } from '@dockyard/testkit';
import { DockerError, Docker, NotFoundError, StreamError, UnauthorizedError } from '../src/index.js';
import { collectBytes } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
const auth = { username: REGISTRY.username, password: REGISTRY.password };
const repo = `${REGISTRY.address}/${uniqueName('reg')}`;
const scratch = mkdtempSync(join(tmpdir(), 'dockyard-registry-'));
resources.defer(() => rmSync(scratch, { recursive: true, force: true }));
afterAll(() => docker.close());

beforeAll(async () => {
  await docker.images.get(TEST_IMAGE).tag({ repo, tag: '1' });
  resources.image(`${repo}:1`);
});

/** A DOCKER_CONFIG directory with this config.json; a client that reads it. */
function clientWithConfig(config: unknown): Docker {
  const dir = mkdtempSync(join(scratch, 'config-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return new Docker({ env: { DOCKER_CONFIG: dir, PATH: process.env.PATH } });
}

/** Removes the local copy so that a pull has to fetch it. */
async function dropLocal(ref: string) {
  await docker.images.get(ref).remove({ force: true }).catch((e: unknown) => {
    if (!(e instanceof NotFoundError)) throw e;
  });
}

describe('push and pull through the local registry', () => {
  it('auth from the option: push, then pull back by tag and by digest', async () => {
    const pushed = await docker.images.push(`${repo}:1`, { auth }).done();
    expect(pushed.tag).toBe('1');
    expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    await dropLocal(`${repo}:1`);
    const messages = [];
    const pull = docker.images.pull(`${repo}:1`, { auth });
    for await (const p of pull) messages.push(p);
    expect(await pull.done()).toEqual({ reference: `${repo}:1`, digest: pushed.digest });
    expect(messages.some((m) => m.status?.includes('Downloaded newer image') || m.status?.includes('Image is up to date'))).toBe(true);
    expect((await docker.images.get(`${repo}:1`).inspect()).RepoDigests).toContain(`${repo}@${pushed.digest}`);

    const byDigest = `${repo}@${pushed.digest}`;
    await dropLocal(`${repo}:1`);
    resources.image(byDigest);
    expect(await docker.images.pull(byDigest, { auth }).done()).toMatchObject({ reference: byDigest });
    await docker.images.get(byDigest).tag({ repo, tag: '1' });
  });

  it('auth from config.json `auths` (base64 user:password), through the image handle', async () => {
    const client = clientWithConfig({ auths: { [REGISTRY.address]: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') } } });
    try {
      await docker.images.get(`${repo}:1`).tag({ repo, tag: 'from-auths' });
      resources.image(`${repo}:from-auths`);
      expect((await client.images.get(`${repo}:from-auths`).push().done()).digest).toMatch(/^sha256:/);
      await dropLocal(`${repo}:from-auths`);
      await client.images.pull(`${repo}:from-auths`).done();
    } finally {
      await client.close();
    }
  });

  it('auth from a credential helper (credHelpers) and from credsStore', async () => {
    const bin = mkdtempSync(join(scratch, 'bin-'));
    const helper = join(bin, 'docker-credential-dockyardtest');
    writeFileSync(
      helper,
      `#!/bin/sh\nread server\nif [ "$1" = get ] && [ "$server" = "${REGISTRY.address}" ]; then\n  printf '{"ServerURL":"%s","Username":"${auth.username}","Secret":"${auth.password}"}' "$server"\nelif [ "$1" = list ]; then\n  printf '{"${REGISTRY.address}":"${auth.username}"}'\nelse\n  echo "credentials not found in native keychain"; exit 1\nfi\n`,
    );
    chmodSync(helper, 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      for (const config of [{ credHelpers: { [REGISTRY.address]: 'dockyardtest' } }, { credsStore: 'dockyardtest' }]) {
        const client = clientWithConfig(config);
        try {
          const tag = `helper-${Object.keys(config)[0]}`.toLowerCase();
          await docker.images.get(`${repo}:1`).tag({ repo, tag });
          resources.image(`${repo}:${tag}`);
          await client.images.push(`${repo}:${tag}`).done();
          await dropLocal(`${repo}:${tag}`);
          await client.images.pull(`${repo}:${tag}`).done();
        } finally {
          await client.close();
        }
      }
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('a missing credential helper is a clear error', async () => {
    const client = clientWithConfig({ credHelpers: { [REGISTRY.address]: 'dockyard-not-installed' } });
    try {
      await expect(client.images.pull(`${repo}:1`).done()).rejects.toThrow(/docker-credential-dockyard-not-installed .*not on PATH/);
    } finally {
      await client.close();
    }
  });

  it('a wrong password fails, and the password is nowhere in the error or its cause chain', async () => {
    const secret = 'Wr0ng-Pa55-dockyard-secret';
    const wrong = { username: auth.username, password: secret };
    for (const attempt of [() => docker.images.pull(`${repo}:1`, { auth: wrong }).done(), () => docker.images.push(`${repo}:1`, { auth: wrong }).done()]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerError);
      expect(err instanceof UnauthorizedError || err instanceof StreamError || (err as DockerError).statusCode === 500).toBe(true);
      expect((err as Error).message).toMatch(/unauthorized|authentication required|no basic auth/i);
      const everything = `${inspect(err, { depth: 20, showHidden: true })}\n${JSON.stringify(err)}\n${(err as Error).stack}`;
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(Buffer.from(JSON.stringify(wrong)).toString('base64url').slice(0, 20));
    }
  });

  it('a pull of a missing tag rejects done() with the registry message', async () => {
    const err = await docker.images.pull(`${repo}:no-such-tag`, { auth }).done().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerError);
    expect((err as Error).message).toMatch(/not found|manifest unknown/i);
  });
});

describe('save, load, import, search', () => {
  it('save then load brings the tag back', async () => {
    const tag = `${repo}:saved`;
    await docker.images.get(TEST_IMAGE).tag({ repo, tag: 'saved' });
    resources.image(tag);
    const tar = await collectBytes(docker.images.save(tag));
    expect(tar.length).toBeGreaterThan(100_000);
    await dropLocal(tag);
    const { images } = await docker.images.load(tar).done();
    expect(images).toContain(tag);
    expect((await docker.images.get(tag).inspect()).RepoTags).toContain(tag);
  });

  it('import makes an image from an exported container filesystem', async () => {
    const c = await docker.containers.create({ Image: TEST_IMAGE, Cmd: ['true'], Labels: { 'dockyard.test': process.env.DOCKYARD_TEST_RUN ?? '1' } });
    resources.container(c.id);
    const fs = await collectBytes(c.export());
    const tag = uniqueName('imported');
    resources.image(`${tag}:1`);
    const { imageId } = await docker.images.import(fs, { repo: tag, tag: '1', changes: ['CMD ["sh"]'] }).done();
    expect(imageId).toMatch(/^sha256:/);
    const info = await docker.images.get(`${tag}:1`).inspect();
    expect(info.Id).toBe(imageId);
    expect(info.Config?.Cmd).toEqual(['sh']);
    expect((await docker.images.get(`${tag}:1`).history()).length).toBeGreaterThan(0);
  });

  it('search without a reachable index rejects with the engine message', async () => {
    const err = await docker.images.search('busybox', { limit: 1, signal: AbortSignal.timeout(60_000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerError);
    expect((err as Error).message.length).toBeGreaterThan(10);
  });

  it('list and prune images scoped by label', async () => {
    const all = await docker.images.list({ filters: { reference: [`${repo}:1`] } });
    expect(all.some((i) => i.RepoTags?.includes(`${repo}:1`))).toBe(true);
    const pruned = await docker.images.prune({ filters: { label: [`dockyard.no-such-label=${uniqueName('x')}`] } });
    expect(pruned.ImagesDeleted ?? []).toEqual([]);
  });
});
