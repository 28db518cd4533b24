import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextId } from '../src/docker-config.js';
import { type Endpoint, describeEndpoint } from '../src/endpoint.js';
import { parseHost } from '../src/endpoint-host.js';
import { ConnectionError } from '../src/errors.js';
import { defaultSocketEndpoint, resolveEndpoint } from '../src/resolve-endpoint.js';
import { type TempHome, makeTempHome } from './support/endpoint-fixtures.js';

// Buffers → strings so that expectations read as plain data.
function plain(endpoint: Endpoint): Record<string, unknown> {
  return JSON.parse(JSON.stringify(endpoint, (_key, value) => (value?.type === 'Buffer' ? Buffer.from(value.data).toString() : value)));
}

let temp: TempHome;
beforeEach(() => {
  temp = makeTempHome();
});
afterEach(() => {
  temp.cleanup();
});

const linux = (env: Record<string, string | undefined>, extra: Record<string, unknown> = {}) =>
  plain(resolveEndpoint({ env, platform: 'linux', homeDir: temp.home, ...extra }));

describe('resolveEndpoint: addresses (DOCKER_HOST and the host option)', () => {
  const table: Array<[string, Record<string, unknown>]> = [
    ['unix:///tmp/engine.sock', { kind: 'unix', socketPath: '/tmp/engine.sock' }],
    ['unix://', { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['/tmp/bare.sock', { kind: 'unix', socketPath: '/tmp/bare.sock' }],
    ['./rel.sock', { kind: 'unix', socketPath: './rel.sock' }],
    ['tcp://10.0.0.5:2375', { kind: 'tcp', host: '10.0.0.5', port: 2375 }],
    ['tcp://build-box', { kind: 'tcp', host: 'build-box', port: 2375 }],
    ['tcp://', { kind: 'tcp', host: 'localhost', port: 2375 }],
    ['tcp://:4243', { kind: 'tcp', host: 'localhost', port: 4243 }],
    ['tcp://[::1]:2375', { kind: 'tcp', host: '::1', port: 2375 }],
    ['tcp://[fe80::1%25lo]:2375', { kind: 'tcp', host: 'fe80::1%25lo', port: 2375 }],
    ['tcp://[::1]', { kind: 'tcp', host: '::1', port: 2375 }],
    ['tcp://10.0.0.5:2376', { kind: 'tcp', host: '10.0.0.5', port: 2376 }], // 2376 alone is not TLS
    ['tcp://h:2375/', { kind: 'tcp', host: 'h', port: 2375 }],
    ['127.0.0.1:1234', { kind: 'tcp', host: '127.0.0.1', port: 1234 }],
    ['  tcp://trimmed:1  ', { kind: 'tcp', host: 'trimmed', port: 1 }],
    ['TCP://upper:5', { kind: 'tcp', host: 'upper', port: 5 }],
    ['http://plain:8080', { kind: 'tcp', host: 'plain', port: 8080 }],
    ['http://plain', { kind: 'tcp', host: 'plain', port: 80 }],
    ['https://secure', { kind: 'tcp', host: 'secure', port: 443, tls: {} }],
    ['https://secure:2376', { kind: 'tcp', host: 'secure', port: 2376, tls: {} }],
    ['npipe:////./pipe/docker_engine', { kind: 'npipe', pipePath: '\\\\.\\pipe\\docker_engine' }],
    ['npipe:////./pipe/other', { kind: 'npipe', pipePath: '\\\\.\\pipe\\other' }],
    ['npipe://', { kind: 'npipe', pipePath: '\\\\.\\pipe\\docker_engine' }],
    ['ssh://me@build-box', { kind: 'ssh', host: 'build-box', user: 'me' }],
    ['ssh://build-box:2222', { kind: 'ssh', host: 'build-box', port: 2222 }],
    ['ssh://me@[::1]:22', { kind: 'ssh', host: '::1', user: 'me', port: 22 }],
    ['ssh://me@box/run/user/1000/docker.sock', { kind: 'ssh', host: 'box', user: 'me', remoteSocketPath: '/run/user/1000/docker.sock' }],
  ];
  it.each(table)('DOCKER_HOST=%j', (host, expected) => {
    expect(linux({ DOCKER_HOST: host })).toEqual({ ...expected, source: 'DOCKER_HOST' });
  });
  it.each(table)('host option %j', (host, expected) => {
    expect(linux({}, { host })).toEqual({ ...expected, source: 'options' });
  });

  it.each([
    ['foo://x', /unsupported scheme "foo"/],
    ['tcp://h:notaport', /"notaport" is not a port number/],
    ['tcp://h:70000', /not a port number/],
    ['tcp://::1:2375', /IPv6 address needs brackets/],
    ['tcp://[::1:2375', /unclosed/],
    ['tcp://h:1/base/path', /path after host:port/],
    ['tcp://user@h:1', /credentials/],
    ['unix://x://y', /unix socket path/],
    ['ssh://me:secret@box', /password is not supported/],
    ['ssh://box?x=1', /query parameters/],
    ['fd://', /fd:\/\//],
  ])('rejects %j with a ConnectionError that says why', (host, why) => {
    const attempt = () => resolveEndpoint({ env: { DOCKER_HOST: host }, platform: 'linux', homeDir: temp.home });
    expect(attempt).toThrow(ConnectionError);
    expect(attempt).toThrow(why);
    expect(attempt).toThrow(/in DOCKER_HOST/);
    // Never echo a password back.
    if (host.includes('secret')) expect(attempt).not.toThrow(/secret@/);
  });

  it('an empty or blank DOCKER_HOST counts as unset', () => {
    temp.writeContext('ctx', { host: 'tcp://from-context:1' });
    expect(linux({ DOCKER_HOST: '', DOCKER_CONTEXT: 'ctx' })).toMatchObject({ host: 'from-context', source: 'DOCKER_CONTEXT' });
    expect(linux({ DOCKER_HOST: '   ', DOCKER_CONTEXT: 'ctx' })).toMatchObject({ host: 'from-context', source: 'DOCKER_CONTEXT' });
  });

  it('the host option beats DOCKER_HOST, DOCKER_CONTEXT and currentContext', () => {
    temp.writeContext('ctx', { host: 'tcp://from-context:1' });
    temp.writeConfig({ currentContext: 'ctx' });
    expect(linux({ DOCKER_HOST: 'tcp://env:1', DOCKER_CONTEXT: 'ctx' }, { host: 'unix:///opt.sock' })).toEqual({
      kind: 'unix',
      socketPath: '/opt.sock',
      source: 'options',
    });
  });

  it('carries sshOptions onto ssh endpoints only', () => {
    expect(linux({}, { host: 'ssh://me@box', sshOptions: ['-F', '/cfg'] })).toEqual({
      kind: 'ssh',
      host: 'box',
      user: 'me',
      source: 'options',
      sshOptions: ['-F', '/cfg'],
    });
    expect(linux({}, { host: 'unix:///x.sock', sshOptions: ['-F', '/cfg'] })).not.toHaveProperty('sshOptions');
  });
});

describe('resolveEndpoint: DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH', () => {
  const pems = { ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' };

  it('DOCKER_TLS_VERIFY=1 reads ca/cert/key from DOCKER_CERT_PATH and verifies', () => {
    const certs = temp.writeCertDir('certs', pems);
    expect(linux({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs })).toEqual({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2376,
      source: 'DOCKER_HOST',
      tls: { ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM', rejectUnauthorized: true },
    });
  });

  it('any non-empty DOCKER_TLS_VERIFY turns TLS on, even "0" (the CLI tests != ""); empty means off', () => {
    const certs = temp.writeCertDir('certs', pems);
    expect(linux({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '0', DOCKER_CERT_PATH: certs })).toHaveProperty('tls.rejectUnauthorized', true);
    expect(linux({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: certs })).not.toHaveProperty('tls');
  });

  it('DOCKER_TLS alone means TLS without verification', () => {
    const certs = temp.writeCertDir('certs', pems);
    expect(linux({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS: '1', DOCKER_CERT_PATH: certs })).toHaveProperty('tls', {
      ca: 'CA-PEM',
      cert: 'CERT-PEM',
      key: 'KEY-PEM',
      rejectUnauthorized: false,
    });
  });

  it('DOCKER_CERT_PATH defaults to $DOCKER_CONFIG, then ~/.docker', () => {
    temp.writeCertDir('.docker', { ca: 'HOME-CA' });
    expect(linux({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1' })).toHaveProperty('tls', { ca: 'HOME-CA', rejectUnauthorized: true });
    const configDir = temp.writeCertDir('elsewhere', { ca: 'CONFIG-CA' });
    expect(linux({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: configDir })).toHaveProperty('tls', {
      ca: 'CONFIG-CA',
      rejectUnauthorized: true,
    });
    expect(linux({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: configDir, DOCKER_CERT_PATH: '' })).toHaveProperty(
      'tls.ca',
      'CONFIG-CA',
    );
  });

  it('cert.pem and key.pem are optional but only used as a pair', () => {
    const onlyCert = temp.writeCertDir('only-cert', { ca: 'CA', cert: 'CERT' });
    expect(linux({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: onlyCert })).toHaveProperty('tls', {
      ca: 'CA',
      rejectUnauthorized: true,
    });
  });

  it('a missing ca.pem is an error naming the file, as in the CLI', () => {
    const empty = temp.mkdir('empty-certs');
    const attempt = () => resolveEndpoint({ env: { DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty }, homeDir: temp.home });
    expect(attempt).toThrow(ConnectionError);
    expect(attempt).toThrow(join(empty, 'ca.pem'));
    expect(attempt).toThrow(/DOCKER_CERT_PATH/);
  });

  it('TLS on with no host means tcp://localhost:2376, as the CLI defaults', () => {
    temp.writeCertDir('.docker', pems);
    expect(linux({ DOCKER_TLS_VERIFY: '1' })).toMatchObject({ kind: 'tcp', host: 'localhost', port: 2376, source: 'default' });
  });

  it('TLS variables do not apply to unix sockets or ssh', () => {
    temp.writeCertDir('.docker', pems);
    expect(linux({ DOCKER_HOST: 'unix:///x.sock', DOCKER_TLS_VERIFY: '1' })).toEqual({ kind: 'unix', socketPath: '/x.sock', source: 'DOCKER_HOST' });
    expect(linux({ DOCKER_HOST: 'ssh://box', DOCKER_TLS_VERIFY: '1' })).toEqual({ kind: 'ssh', host: 'box', source: 'DOCKER_HOST' });
  });

  it('https:// uses the TLS variables when set, else verifies against the system roots', () => {
    const certs = temp.writeCertDir('certs', pems);
    expect(linux({ DOCKER_HOST: 'https://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs })).toHaveProperty('tls.ca', 'CA-PEM');
    expect(linux({ DOCKER_HOST: 'https://h' })).toHaveProperty('tls', {});
    expect(linux({ DOCKER_HOST: 'http://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs })).not.toHaveProperty('tls');
  });

  it('the tls option beats the variables: true reads DOCKER_CERT_PATH, false turns TLS off, an object is used as is', () => {
    const certs = temp.writeCertDir('certs', pems);
    expect(linux({ DOCKER_CERT_PATH: certs }, { host: 'tcp://h:1', tls: true })).toHaveProperty('tls.rejectUnauthorized', true);
    expect(linux({ DOCKER_CERT_PATH: certs }, { host: 'tcp://h:1', tls: true })).toHaveProperty('tls.cert', 'CERT-PEM');
    expect(linux({ DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '1' }, { host: 'tcp://h:1', tls: false })).not.toHaveProperty('tls');
    expect(linux({ DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '1' }, { host: 'tcp://h:1', tls: { ca: 'MINE', servername: 'n' } })).toHaveProperty(
      'tls',
      { ca: 'MINE', servername: 'n' },
    );
    // With DOCKER_HOST too.
    expect(linux({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, { tls: false })).not.toHaveProperty('tls');
  });

  it('never puts key material into an error message', () => {
    const certs = temp.writeCertDir('certs', { ca: 'CA', cert: 'CERT', key: 'SECRET-KEY-MATERIAL' });
    const attempt = () => resolveEndpoint({ env: { DOCKER_HOST: 'nope://x', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
    expect(attempt).toThrow(ConnectionError);
    expect(attempt).not.toThrow(/SECRET/);
  });
});

describe('resolveEndpoint: contexts and config.json', () => {
  it('DOCKER_CONTEXT selects a context from the store (meta/<sha256(name)>/meta.json)', () => {
    temp.writeContext('remote', { host: 'tcp://10.1.1.1:2375' });
    expect(linux({ DOCKER_CONTEXT: 'remote' })).toEqual({ kind: 'tcp', host: '10.1.1.1', port: 2375, source: 'DOCKER_CONTEXT' });
  });

  it('currentContext of config.json applies when nothing else is set', () => {
    temp.writeContext('remote', { host: 'ssh://me@box' });
    temp.writeConfig({ currentContext: 'remote', auths: {} });
    expect(linux({})).toEqual({ kind: 'ssh', host: 'box', user: 'me', source: 'config' });
  });

  it('precedence: DOCKER_HOST > DOCKER_CONTEXT > currentContext > default socket', () => {
    temp.writeContext('a', { host: 'tcp://a:1' });
    temp.writeContext('b', { host: 'tcp://b:1' });
    temp.writeConfig({ currentContext: 'b' });
    expect(linux({ DOCKER_HOST: 'tcp://env:1', DOCKER_CONTEXT: 'a' })).toMatchObject({ host: 'env', source: 'DOCKER_HOST' });
    expect(linux({ DOCKER_CONTEXT: 'a' })).toMatchObject({ host: 'a', source: 'DOCKER_CONTEXT' });
    expect(linux({})).toMatchObject({ host: 'b', source: 'config' });
    temp.writeConfig({});
    expect(linux({})).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', source: 'default' });
  });

  it('"default" as DOCKER_CONTEXT or currentContext means no context (and DOCKER_CONTEXT=default hides currentContext)', () => {
    temp.writeContext('b', { host: 'tcp://b:1' });
    temp.writeConfig({ currentContext: 'b' });
    expect(linux({ DOCKER_CONTEXT: 'default' })).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', source: 'default' });
    temp.writeConfig({ currentContext: 'default' });
    expect(linux({})).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', source: 'default' });
  });

  it('DOCKER_CONFIG moves config.json and the context store', () => {
    const other = temp.mkdir('other-config');
    temp.writeContext('x', { host: 'tcp://home:1' });
    temp.writeConfig({ currentContext: 'x' });
    temp.writeContext('x', { host: 'tcp://moved:1' }, other);
    temp.writeConfig({ currentContext: 'x' }, other);
    expect(linux({ DOCKER_CONFIG: other })).toMatchObject({ host: 'moved', source: 'config' });
    expect(linux({})).toMatchObject({ host: 'home', source: 'config' });
  });

  it('a context with TLS files gets them, verified unless SkipTLSVerify', () => {
    temp.writeContext('secure', { host: 'tcp://10.0.0.9:2376', tls: { ca: 'CTX-CA', cert: 'CTX-CERT', key: 'CTX-KEY' } });
    temp.writeContext('lax', { host: 'tcp://10.0.0.9:2376', skipTLSVerify: true });
    expect(linux({ DOCKER_CONTEXT: 'secure' })).toEqual({
      kind: 'tcp',
      host: '10.0.0.9',
      port: 2376,
      source: 'DOCKER_CONTEXT',
      tls: { ca: 'CTX-CA', cert: 'CTX-CERT', key: 'CTX-KEY', rejectUnauthorized: true },
    });
    expect(linux({ DOCKER_CONTEXT: 'lax' })).toHaveProperty('tls', { rejectUnauthorized: false });
  });

  it('contexts ignore the TLS variables; a context without TLS data is plain TCP', () => {
    temp.writeCertDir('.docker', { ca: 'ENV-CA' });
    temp.writeContext('plain', { host: 'tcp://10.0.0.9:2375' });
    expect(linux({ DOCKER_CONTEXT: 'plain', DOCKER_TLS_VERIFY: '1' })).toEqual({ kind: 'tcp', host: '10.0.0.9', port: 2375, source: 'DOCKER_CONTEXT' });
  });

  it('a context with an empty Host means the default socket (pipe on Windows)', () => {
    temp.writeContext('empty', { host: '' });
    expect(linux({ DOCKER_CONTEXT: 'empty' })).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', source: 'DOCKER_CONTEXT' });
    expect(plain(resolveEndpoint({ env: { DOCKER_CONTEXT: 'empty' }, platform: 'win32', homeDir: temp.home }))).toEqual({
      kind: 'npipe',
      pipePath: '\\\\.\\pipe\\docker_engine',
      source: 'DOCKER_CONTEXT',
    });
  });

  it('reads meta.json keys case-insensitively, like Go', () => {
    temp.writeContext('lower', { host: 'unix:///lower.sock', lowerCaseKeys: true });
    expect(linux({ DOCKER_CONTEXT: 'lower' })).toEqual({ kind: 'unix', socketPath: '/lower.sock', source: 'DOCKER_CONTEXT' });
  });

  it('names with slashes and spaces map to their sha256 directory', () => {
    temp.writeContext('team/prod box', { host: 'tcp://prod:1' });
    expect(contextId('team/prod box')).toMatch(/^[0-9a-f]{64}$/);
    expect(linux({ DOCKER_CONTEXT: 'team/prod box' })).toMatchObject({ host: 'prod' });
  });

  it('an unknown context is a ConnectionError naming it and where it was looked for', () => {
    const attempt = () => resolveEndpoint({ env: { DOCKER_CONTEXT: 'ghost' }, homeDir: temp.home });
    expect(attempt).toThrow(ConnectionError);
    expect(attempt).toThrow(/context "ghost" does not exist/);
    expect(attempt).toThrow(contextId('ghost'));
    temp.writeConfig({ currentContext: 'ghost' });
    expect(() => resolveEndpoint({ env: {}, homeDir: temp.home })).toThrow(/docker context ls/);
  });

  it('a config.json that is not JSON is ignored (the CLI warns and goes on)', () => {
    temp.writeConfig('{not json');
    expect(linux({})).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', source: 'default' });
  });

  it('a context whose Host is invalid names the context', () => {
    temp.writeContext('bad', { host: 'nope://x' });
    expect(() => linux({ DOCKER_CONTEXT: 'bad' })).toThrow(/context "bad"/);
  });
});

describe('resolveEndpoint: platform defaults', () => {
  it('Windows defaults to the docker_engine named pipe', () => {
    expect(plain(resolveEndpoint({ env: {}, platform: 'win32', homeDir: temp.home }))).toEqual({
      kind: 'npipe',
      pipePath: '\\\\.\\pipe\\docker_engine',
      source: 'default',
    });
  });

  it('Linux and macOS default to /var/run/docker.sock', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(resolveEndpoint({ env: {}, platform, homeDir: temp.home })).toMatchObject({ kind: 'unix', source: 'default' });
    }
    expect(defaultSocketEndpoint('darwin', temp.home, () => true)).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', source: 'default' });
  });

  it('~/.docker/run/docker.sock only when it exists and /var/run/docker.sock does not', () => {
    const perUser = join(temp.home, '.docker', 'run', 'docker.sock');
    const only = (present: string[]) => (path: string) => present.includes(path);
    expect(defaultSocketEndpoint('darwin', temp.home, only([perUser]))).toHaveProperty('socketPath', perUser);
    expect(defaultSocketEndpoint('linux', temp.home, only(['/var/run/docker.sock', perUser]))).toHaveProperty('socketPath', '/var/run/docker.sock');
    expect(defaultSocketEndpoint('linux', temp.home, only([]))).toHaveProperty('socketPath', '/var/run/docker.sock');
    expect(defaultSocketEndpoint('win32', temp.home, only([perUser]))).toHaveProperty('kind', 'npipe');
  });
});

describe('parseHost / describeEndpoint round trip (property)', () => {
  const hostname = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}$/);
  const host = fc.oneof(hostname, fc.ipV4(), fc.ipV6());
  const port = fc.integer({ min: 1, max: 65535 });

  it('tcp://<host>:<port> parses back to the same host and port, IPv6 in brackets', () => {
    fc.assert(
      fc.property(host, port, (h, p) => {
        const url = `tcp://${h.includes(':') ? `[${h}]` : h}:${p}`;
        const parsed = parseHost(url, 'options', 'test');
        expect(parsed).toEqual({ kind: 'tcp', host: h, port: p, source: 'options', scheme: 'tcp' });
        const endpoint = resolveEndpoint({ host: url, env: {}, homeDir: temp.home });
        expect(describeEndpoint(endpoint)).toBe(url);
        expect(resolveEndpoint({ host: describeEndpoint(endpoint), env: {}, homeDir: temp.home })).toEqual(endpoint);
      }),
    );
  });

  it('ssh://[user@]host[:port] round-trips through describeEndpoint', () => {
    const user = fc.option(fc.stringMatching(/^[a-z_][a-z0-9_-]{0,15}$/), { nil: undefined });
    fc.assert(
      fc.property(user, host, fc.option(port, { nil: undefined }), (u, h, p) => {
        const url = `ssh://${u === undefined ? '' : `${u}@`}${h.includes(':') ? `[${h}]` : h}${p === undefined ? '' : `:${p}`}`;
        const endpoint = resolveEndpoint({ host: url, env: {}, homeDir: temp.home });
        expect(endpoint).toMatchObject({ kind: 'ssh', host: h });
        expect(describeEndpoint(endpoint)).toBe(url);
      }),
    );
  });

  it('garbage never crashes: it parses or throws ConnectionError', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        try {
          parseHost(value, 'options', 'test');
        } catch (error) {
          expect(error).toBeInstanceOf(ConnectionError);
        }
      }),
    );
  });
});
