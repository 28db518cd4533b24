import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialHelperError } from '../src/auth/credential-helper.js';
import { allCredentials, credentialsFor } from '../src/auth/docker-config-credentials.js';
import { DOCKER_HUB_SERVER, normalizeRegistry, registryOf } from '../src/auth/registry-host.js';

const scratch = mkdtempSync(join(tmpdir(), 'dockyard-creds-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

/** A DOCKER_CONFIG dir holding `config`, and a bin dir whose helpers answer from `secrets`. */
function store(config: unknown, helpers: Record<string, Record<string, [string, string]>> = {}) {
  const dir = join(scratch, `c${n++}`);
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  for (const [name, secrets] of Object.entries(helpers)) {
    const cases = Object.entries(secrets)
      .map(([server, [user, secret]]) => `  "${server}") printf '{"ServerURL":"%s","Username":"${user}","Secret":"${secret}"}' "$server" ;;`)
      .join('\n');
    const list = JSON.stringify(Object.fromEntries(Object.entries(secrets).map(([s, [u]]) => [s, u])));
    const script = `#!/bin/sh\nread server\nif [ "$1" = list ]; then printf '%s' '${list}'; exit 0; fi\ncase "$server" in\n${cases}\n  *) echo "credentials not found in native keychain"; exit 1 ;;\nesac\n`;
    writeFileSync(join(bin, `docker-credential-${name}`), script);
    chmodSync(join(bin, `docker-credential-${name}`), 0o755);
  }
  return { env: { DOCKER_CONFIG: dir }, bin };
}

async function withPath<T>(bin: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = `${bin}:${saved}`;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('registryOf and normalizeRegistry', () => {
  it.each([
    ['busybox', DOCKER_HUB_SERVER],
    ['library/busybox:1', DOCKER_HUB_SERVER],
    ['me/app', DOCKER_HUB_SERVER],
    ['docker.io/library/busybox', DOCKER_HUB_SERVER],
    ['index.docker.io/me/app:2', DOCKER_HUB_SERVER],
    ['127.0.0.1:5000/app:2', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
    ['ghcr.io/o/app@sha256:abc', 'ghcr.io'],
  ])('%s lives on %s', (ref, registry) => {
    expect(registryOf(ref)).toBe(registry);
  });

  it.each([
    ['https://index.docker.io/v1/', DOCKER_HUB_SERVER],
    ['docker.io', DOCKER_HUB_SERVER],
    ['index.docker.io', DOCKER_HUB_SERVER],
    ['https://127.0.0.1:5000', '127.0.0.1:5000'],
    ['http://registry.local:5000/v2/', 'registry.local:5000'],
  ])('config key %s means %s', (key, registry) => {
    expect(normalizeRegistry(key)).toBe(registry);
  });
});

describe('credentialsFor', () => {
  it('reads base64 user:password from auths, under any of Docker Hub’s names', async () => {
    const { env } = store({ auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') } } });
    for (const ref of ['busybox', 'docker.io/x/y', 'index.docker.io/x/y']) {
      expect(await credentialsFor(registryOf(ref), { env })).toEqual({ serveraddress: 'https://index.docker.io/v1/', username: 'hubuser', password: 'hub:pass' });
    }
  });

  it('reads identitytoken, and separate username/password fields', async () => {
    const { env } = store({ auths: { 'reg.example:443': { identitytoken: 'tok' }, 'other.example': { username: 'u', password: 'p' } } });
    expect(await credentialsFor('reg.example:443', { env })).toEqual({ serveraddress: 'reg.example:443', identitytoken: 'tok' });
    expect(await credentialsFor('other.example', { env })).toMatchObject({ username: 'u', password: 'p' });
  });

  it('prefers credHelpers over credsStore over auths, and falls back when a helper has nothing', async () => {
    const { env, bin } = store(
      {
        auths: { 'a.example': { auth: b64('from:auths') }, 'b.example': { auth: b64('from:auths') } },
        credsStore: 'store',
        credHelpers: { 'a.example': 'special' },
      },
      { special: { 'a.example': ['from', 'helper'] }, store: { 'c.example': ['from', 'store'] } },
    );
    await withPath(bin, async () => {
      expect(await credentialsFor('a.example', { env })).toMatchObject({ username: 'from', password: 'helper' });
      expect(await credentialsFor('c.example', { env })).toMatchObject({ username: 'from', password: 'store' });
      // The store has nothing for b.example: auths answers.
      expect(await credentialsFor('b.example', { env })).toMatchObject({ username: 'from', password: 'auths' });
      expect(await credentialsFor('d.example', { env })).toBeUndefined();
    });
  });

  it('a "<token>" username from a helper is an identity token', async () => {
    const { env, bin } = store({ credsStore: 't' }, { t: { 'tok.example': ['<token>', 'sekrit'] } });
    await withPath(bin, async () => {
      expect(await credentialsFor('tok.example', { env })).toEqual({ identitytoken: 'sekrit', serveraddress: 'tok.example' });
    });
  });

  it('a missing helper is a CredentialHelperError naming it; a helper failure never shows a secret', async () => {
    const { env } = store({ credHelpers: { 'x.example': 'absent-helper' } });
    const err = await credentialsFor('x.example', { env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialHelperError);
    expect((err as Error).message).toMatch(/docker-credential-absent-helper .*not on PATH/);
  });

  it('no config.json, or an unreadable one, means no credentials (as the CLI goes on without it)', async () => {
    expect(await credentialsFor('x.example', { env: { DOCKER_CONFIG: join(scratch, 'nowhere') } })).toBeUndefined();
    const { env } = store('{ not json');
    expect(await credentialsFor('x.example', { env })).toBeUndefined();
  });
});

describe('allCredentials (for X-Registry-Config)', () => {
  it('lists auths, credHelpers and what credsStore holds', async () => {
    const { env, bin } = store(
      { auths: { 'a.example': { auth: b64('ua:pa') } }, credsStore: 'store', credHelpers: { 'h.example': 'special' } },
      { special: { 'h.example': ['uh', 'ph'] }, store: { 's.example': ['us', 'ps'] } },
    );
    const all = await withPath(bin, () => allCredentials({ env }));
    expect(Object.keys(all).sort()).toEqual(['a.example', 'h.example', 's.example']);
    expect(all['s.example']).toMatchObject({ username: 'us', password: 'ps' });
  });
});

describe('credential helpers that misbehave', () => {
  /** A bin dir with one helper `docker-credential-<name>` running `body` (sh). */
  function helper(name: string, body: string): string {
    const bin = join(scratch, `bin${n++}`);
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, `docker-credential-${name}`), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, `docker-credential-${name}`), 0o755);
    return bin;
  }

  it('a helper that exits without reading stdin gives CredentialHelperError, not an uncaught EPIPE', async () => {
    const bin = helper('quitter', 'echo "no keychain here" >&2\nexit 3');
    const { env } = store({ credsStore: 'quitter' });
    // More than the pipe (a socket pair) holds: the write is still going when the helper has gone.
    const registry = `${'r'.repeat(8_000_000)}.example`;
    const err = await withPath(bin, () => credentialsFor(registry, { env })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialHelperError);
    expect((err as Error).message).toBe('The credential helper docker-credential-quitter get exited with code 3: no keychain here');
  });

  it('a helper that fails after printing its JSON answer: the message never quotes its stdout', async () => {
    const bin = helper('leaky', `read server\nprintf '{"ServerURL":"%s","Username":"u","Secret":"s3cr3t-value"}' "$server"\nexit 1`);
    const { env } = store({ credsStore: 'leaky' });
    const err = await withPath(bin, () => credentialsFor('leaky.example', { env })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialHelperError);
    expect((err as Error).message).toBe('The credential helper docker-credential-leaky get exited with code 1');
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain('s3cr3t');
  });
});
