import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { engineCall, engineSocketPath } from '@dockyard/testkit';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../src/connect/connector.js';
import { openSocket } from '../src/connect/open-socket.js';
import type { Endpoint } from '../src/endpoint.js';
import { ConnectionError } from '../src/errors.js';
import { resolveEndpoint } from '../src/resolve-endpoint.js';
import { Transport } from '../src/transport.js';
import { type HelperProcess, freePort, startHelper, waitForPort } from './support/tcp-proxy.js';
import { type TestPki, makeTestPki } from './support/tls-certs.js';
import { rejection } from './support/rejection.js';

const run = promisify(execFile);


async function get(endpoint: Endpoint, path: string): Promise<{ statusCode: number; body: string }> {
  const client = new Client('http://docker', { connect: createConnector(endpoint) });
  try {
    const response = await client.request({ method: 'GET', path });
    return { statusCode: response.statusCode, body: await response.body.text() };
  } finally {
    await client.destroy();
  }
}

// socat terminates TLS (requiring a client certificate) in front of the engine's unix socket.
describe('TLS endpoints with client-certificate verification', () => {
  let dir: string;
  let pki: TestPki;
  let proxy: HelperProcess;
  let port: number;
  let engineId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dockyard-tls-'));
    pki = await makeTestPki(dir);
    port = await freePort();
    proxy = startHelper('socat', [
      `OPENSSL-LISTEN:${port},cert=${pki.serverCert},key=${pki.serverKey},cafile=${pki.caCert},verify=1,fork,reuseaddr,bind=127.0.0.1`,
      `UNIX-CONNECT:${engineSocketPath()}`,
    ]);
    await waitForPort('127.0.0.1', port, proxy);
    engineId = (await engineCall('GET', '/info')).json<{ ID: string }>().ID;
  });
  afterAll(async () => {
    await proxy?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('DOCKER_TLS_VERIFY=1 + DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) reaches the engine', async () => {
    const endpoint = resolveEndpoint({
      env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: pki.certPath },
    });
    expect(endpoint).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port, tls: { rejectUnauthorized: true } });
    expect(await get(endpoint, '/_ping')).toEqual({ statusCode: 200, body: 'OK' });
    const info = await get(endpoint, '/info');
    expect(JSON.parse(info.body).ID).toBe(engineId);
  });

  it('the tls option with PEM buffers works the same', async () => {
    const endpoint = resolveEndpoint({
      host: `tcp://127.0.0.1:${port}`,
      tls: { ca: readFileSync(pki.caCert), cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) },
      env: {},
    });
    expect(await get(endpoint, '/_ping')).toEqual({ statusCode: 200, body: 'OK' });
  });

  it('a wrong CA fails the handshake with a ConnectionError naming TLS and the certificate check', async () => {
    const endpoint = resolveEndpoint({
      env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: pki.wrongCaCertPath },
    });
    const error = await rejection(openSocket(endpoint));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(new RegExp(`^TLS handshake with tcp://127\\.0\\.0\\.1:${port} failed: `));
    expect(error.message).toMatch(/certificate/i);
    expect(error.message).toMatch(/DOCKER_CERT_PATH/);
    // Through undici as well: the request fails with the same error, not a generic one.
    const viaRequest = await rejection(get(endpoint, '/_ping'));
    expect(viaRequest).toBeInstanceOf(ConnectionError);
    expect(viaRequest.message).toMatch(/^TLS handshake with/);
  });

  it('DOCKER_TLS (no verification) accepts the server whatever the CA', async () => {
    const endpoint = resolveEndpoint({
      env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS: '1', DOCKER_CERT_PATH: pki.wrongCaCertPath },
    });
    expect(endpoint).toMatchObject({ tls: { rejectUnauthorized: false } });
    expect(await get(endpoint, '/_ping')).toEqual({ statusCode: 200, body: 'OK' });
  });

  it('a server certificate that does not name the host fails verification', async () => {
    // The server certificate names IP 127.0.0.1 only; "localhost" resolves to loopback but is not in it.
    const endpoint = resolveEndpoint({
      host: `tcp://localhost:${port}`,
      tls: { ca: readFileSync(pki.caCert), cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) },
      env: {},
    });
    const error = await rejection(openSocket(endpoint));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/^TLS handshake with tcp:\/\/localhost:\d+ failed: .*(altnames|localhost)/);
  });

  it('without a client certificate the server refuses the connection', async () => {
    const endpoint = resolveEndpoint({ host: `tcp://127.0.0.1:${port}`, tls: { ca: readFileSync(pki.caCert) }, env: {} });
    // With TLS 1.3 the server checks the client certificate after the client's handshake is done,
    // so the refusal (an alert, then close) can arrive with the first request rather than at connect.
    const error = await rejection(get(endpoint, '/_ping'));
    // socat closes without an alert Node reports, so undici sees the close ("other side closed").
    expect(error.message).toMatch(/certificate required|other side closed/i);
  });

  it('through Transport, a refused client certificate is a ConnectionError that says to check it', async () => {
    const transport = new Transport({ host: `tcp://127.0.0.1:${port}`, tls: { ca: readFileSync(pki.caCert) }, env: {} });
    try {
      const error = await rejection(transport.request({ method: 'GET', path: '/_ping', versioned: false }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/client certificate: check the certificate and key/);
    } finally {
      await transport.close();
    }
  });

  it('a context made by `docker context create` with ca/cert/key is read from the context store', async () => {
    const config = join(dir, 'docker-config');
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: config };
    await run(
      'docker',
      ['context', 'create', 'dy-tls', '--docker', `host=tcp://127.0.0.1:${port},ca=${pki.caCert},cert=${pki.clientCert},key=${pki.clientKey}`],
      { env },
    );
    const endpoint = resolveEndpoint({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'dy-tls' }, homeDir: dir });
    expect(endpoint).toMatchObject({ kind: 'tcp', port, source: 'DOCKER_CONTEXT', tls: { rejectUnauthorized: true } });
    expect(await get(endpoint, '/_ping')).toEqual({ statusCode: 200, body: 'OK' });
    // And the docker CLI itself gets through with that context: same engine.
    const { stdout } = await run('docker', ['--context', 'dy-tls', 'info', '--format', '{{.ID}}'], { env });
    expect(stdout.trim()).toBe(engineId);
  });
});
