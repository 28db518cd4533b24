import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { engineSocketPath } from '@dockyard/testkit';
import { Client } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnector } from '../src/connect/connector.js';
import { type Endpoint, describeEndpoint } from '../src/endpoint.js';
import { ConnectionError } from '../src/errors.js';
import { resolveEndpoint } from '../src/resolve-endpoint.js';
import { type TempHome, makeTempHome } from './support/endpoint-fixtures.js';
import { type TcpProxy, startTcpProxy } from './support/tcp-proxy.js';

const run = promisify(execFile);
// The docker CLI 28 client when present, else Debian's 20.10 one.
const DOCKER = existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : '/usr/bin/docker';

type Env = Record<string, string>;

/** Runs the docker CLI with only `env` (plus PATH and the temp HOME): nothing leaks in from this process. */
async function docker(home: string, env: Env, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(DOCKER, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env } });
    return { ok: true, stdout: stdout.trim(), stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** What the CLI says its endpoint is, in terms both sides can state. */
interface View {
  host: string;
  skipTlsVerify: boolean;
  tlsFiles: string[];
}

async function cliView(home: string, env: Env): Promise<View | { error: string }> {
  const result = await docker(home, env, ['context', 'inspect', '--format', '{{json .Endpoints.docker}}|{{json .TLSMaterial}}']);
  if (!result.ok || result.stdout === '') return { error: result.stderr.trim() };
  const [endpoint, material] = result.stdout.split('|');
  const parsed = JSON.parse(endpoint ?? '{}') as { Host: string; SkipTLSVerify: boolean };
  const files = (JSON.parse(material ?? '{}') as { docker?: string[] } | null)?.docker ?? [];
  const isTcp = parsed.Host.startsWith('tcp://');
  return {
    host: parsed.Host,
    skipTlsVerify: parsed.SkipTLSVerify,
    // The CLI lists TLS material for sockets too but only uses it for TCP.
    tlsFiles: isTcp ? [...files].sort() : [],
  };
}

function ourView(home: string, env: Env): View | { error: string } {
  let endpoint: Endpoint;
  try {
    endpoint = resolveEndpoint({ env, homeDir: home, platform: 'linux' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectionError);
    return { error: (error as Error).message };
  }
  const tls = endpoint.kind === 'tcp' ? endpoint.tls : undefined;
  const files = tls === undefined ? [] : (['ca', 'cert', 'key'] as const).filter((k) => tls[k] !== undefined).map((k) => `${k}.pem`);
  return { host: describeEndpoint(endpoint), skipTlsVerify: tls?.rejectUnauthorized === false, tlsFiles: files.sort() };
}

async function expectAgreement(home: string, env: Env): Promise<View> {
  const cli = await cliView(home, env);
  const ours = ourView(home, env);
  if ('error' in cli) {
    // Both refuse: the CLI with its error, we with a ConnectionError.
    expect(ours).toHaveProperty('error');
    return { host: '', skipTlsVerify: false, tlsFiles: [] };
  }
  expect(ours).toEqual(cli);
  return cli;
}

async function versionThrough(endpoint: Endpoint): Promise<string> {
  const client = new Client('http://docker', { connect: createConnector(endpoint) });
  try {
    const response = await client.request({ method: 'GET', path: '/version' });
    const body = (await response.body.json()) as { Version: string; ApiVersion: string };
    return `${body.Version} ${body.ApiVersion}`;
  } finally {
    await client.close();
  }
}

describe(`resolveEndpoint agrees with the docker CLI (${DOCKER})`, () => {
  let temp: TempHome;
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy('127.0.0.1');
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  beforeEach(() => {
    temp = makeTempHome();
  });
  afterEach(() => {
    temp.cleanup();
  });

  it.each([
    ['unix socket', { DOCKER_HOST: `unix://${engineSocketPath()}` }],
    ['tcp, explicit port', { DOCKER_HOST: 'tcp://10.0.0.5:2375' }],
    ['tcp, no port', { DOCKER_HOST: 'tcp://build-box' }],
    ['tcp, nothing', { DOCKER_HOST: 'tcp://' }],
    ['tcp, IPv6', { DOCKER_HOST: 'tcp://[::1]:2375' }],
    ['no scheme host:port', { DOCKER_HOST: '127.0.0.1:99' }],
    ['blanks around', { DOCKER_HOST: '  tcp://h:1  ' }],
    ['ssh', { DOCKER_HOST: 'ssh://me@box:22' }],
    ['port 2376 alone is not TLS', { DOCKER_HOST: 'tcp://h:2376' }],
    ['empty DOCKER_HOST', { DOCKER_HOST: '' }],
    ['nothing set', {}],
  ])('DOCKER_HOST: %s', async (_name, env: Env) => {
    await expectAgreement(temp.home, env);
  });

  it('TLS variables: DOCKER_TLS_VERIFY, DOCKER_TLS, "0", DOCKER_CERT_PATH, missing ca.pem', async () => {
    const pems = { ca: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', cert: 'c', key: 'k' };
    temp.writeCertDir('.docker', pems);
    const elsewhere = temp.writeCertDir('elsewhere', { ca: pems.ca });
    const empty = temp.mkdir('empty');
    const cases: Env[] = [
      { DOCKER_TLS_VERIFY: '1' },
      { DOCKER_TLS: '1' },
      { DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '0' },
      { DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '' },
      { DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: elsewhere },
      { DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_TLS_VERIFY: '1' },
      { DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty },
    ];
    for (const env of cases) await expectAgreement(temp.home, env);
    // The missing-ca.pem case really is an error on both sides.
    expect(await cliView(temp.home, cases[6] as Env)).toHaveProperty('error');
  });

  it('DOCKER_HOST=unix://… and tcp://127.0.0.1:<port>: both reach the same engine', async () => {
    for (const env of [{ DOCKER_HOST: `unix://${engineSocketPath()}` }, { DOCKER_HOST: `tcp://127.0.0.1:${proxy.port}` }]) {
      await expectAgreement(temp.home, env);
      const cli = await docker(temp.home, env, ['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}']);
      expect(cli.ok).toBe(true);
      expect(await versionThrough(resolveEndpoint({ env, homeDir: temp.home }))).toBe(cli.stdout);
    }
  });

  it('contexts made by `docker context create` / `docker context use`, with DOCKER_CONTEXT and DOCKER_HOST on top', async () => {
    const config: Env = { DOCKER_CONFIG: temp.mkdir('docker-config') };
    const create = async (name: string, host: string) => {
      const result = await docker(temp.home, config, ['context', 'create', name, '--docker', `host=${host}`]);
      expect(result.stderr).not.toMatch(/error/i);
    };
    await create('dy-tcp', `tcp://127.0.0.1:${proxy.port}`);
    await create('dy-unix', `unix://${engineSocketPath()}`);
    expect((await docker(temp.home, config, ['context', 'use', 'dy-tcp'])).ok).toBe(true);

    const current = await expectAgreement(temp.home, config);
    expect(current.host).toBe(`tcp://127.0.0.1:${proxy.port}`);
    expect(resolveEndpoint({ env: config, homeDir: temp.home })).toMatchObject({ source: 'config' });

    const viaEnv = { ...config, DOCKER_CONTEXT: 'dy-unix' };
    expect((await expectAgreement(temp.home, viaEnv)).host).toBe(`unix://${engineSocketPath()}`);
    expect(resolveEndpoint({ env: viaEnv, homeDir: temp.home })).toMatchObject({ source: 'DOCKER_CONTEXT' });

    const hostWins = { ...config, DOCKER_CONTEXT: 'dy-unix', DOCKER_HOST: 'tcp://10.9.9.9:2375' };
    expect((await expectAgreement(temp.home, hostWins)).host).toBe('tcp://10.9.9.9:2375');
    expect((await docker(temp.home, hostWins, ['context', 'show'])).stdout).toBe('default');

    const defaultName = { ...config, DOCKER_CONTEXT: 'default' };
    expect((await expectAgreement(temp.home, defaultName)).host).toBe('unix:///var/run/docker.sock');

    await expectAgreement(temp.home, { ...config, DOCKER_CONTEXT: 'no-such-context' });
    expect(await cliView(temp.home, { ...config, DOCKER_CONTEXT: 'no-such-context' })).toHaveProperty('error');

    // The current context (over TCP) and DOCKER_CONTEXT (unix) both reach the engine the CLI reaches.
    for (const env of [config, viaEnv]) {
      const cli = await docker(temp.home, env, ['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}']);
      expect(cli.ok).toBe(true);
      expect(await versionThrough(resolveEndpoint({ env, homeDir: temp.home }))).toBe(cli.stdout);
    }
  });
});
