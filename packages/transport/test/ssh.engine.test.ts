import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineCall, engineSocketPath } from '@dockyard/testkit';
import { Agent, Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../src/connect/connector.js';
import { ConnectionError } from '../src/errors.js';
import { resolveEndpoint } from '../src/resolve-endpoint.js';
import { type TestSshServer, sshChildren, startTestSshServer } from './support/ssh-server.js';

// undici closes a connection idle for 4 s by default; on a loaded machine an ssh login can take
// longer than that, which would retire a connection mid-test and blur what is counted here.
const keepAlive = { keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 };

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

// The same engine through `ssh … docker system dial-stdio` against Debian's sshd on loopback.
describe('ssh:// endpoints', () => {
  let dir: string;
  let sshd: TestSshServer;
  let engineId: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dockyard-ssh-'));
    sshd = await startTestSshServer(dir);
    engineId = (await engineCall('GET', '/info')).json<{ ID: string }>().ID;
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('several requests through one Agent (one connection) reuse ONE ssh process, which ends with the Agent', async () => {
    const endpoint = resolveEndpoint({ host: `ssh://root@127.0.0.1:${sshd.port}`, sshOptions: ['-F', sshd.clientConfig], env: {} });
    expect(endpoint).toEqual({
      kind: 'ssh',
      host: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      source: 'options',
      sshOptions: ['-F', sshd.clientConfig],
    });
    expect(sshChildren()).toEqual([]);
    const agent = new Agent({ connect: createConnector(endpoint), connections: 1, ...keepAlive });
    const seen = new Set<number>();
    try {
      for (const path of ['/_ping', '/version', '/info', '/_ping', '/containers/json?limit=1', '/_ping']) {
        const response = await agent.request({ origin: 'http://docker', method: 'GET', path });
        expect(response.statusCode).toBe(200);
        const body = await response.body.text();
        if (path === '/_ping') expect(body).toBe('OK');
        if (path === '/info') expect(JSON.parse(body).ID).toBe(engineId);
        for (const pid of sshChildren()) seen.add(pid);
        expect(sshChildren()).toHaveLength(1);
      }
      expect(seen.size).toBe(1);
    } finally {
      await agent.close();
    }
    await waitUntil(() => sshChildren().length === 0);
    expect(sshChildren()).toEqual([]);
  });

  it('with an unbounded Agent the ssh processes do not grow with the number of requests', async () => {
    // undici's pool opens a second connection for the second request (the first client is still
    // flagged busy when it is dispatched); from then on the idle connections are reused.
    const endpoint = resolveEndpoint({ host: `ssh://root@127.0.0.1:${sshd.port}`, sshOptions: ['-F', sshd.clientConfig], env: {} });
    const agent = new Agent({ connect: createConnector(endpoint), ...keepAlive });
    let afterWarmUp: number[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const response = await agent.request({ origin: 'http://docker', method: 'GET', path: '/_ping' });
        expect(await response.body.text()).toBe('OK');
        if (i === 1) afterWarmUp = sshChildren().sort();
      }
      expect(afterWarmUp.length).toBeGreaterThanOrEqual(1);
      expect(afterWarmUp.length).toBeLessThanOrEqual(2);
      expect(sshChildren().sort()).toEqual(afterWarmUp);
    } finally {
      await agent.close();
    }
    await waitUntil(() => sshChildren().length === 0);
    expect(sshChildren()).toEqual([]);
  });

  it('concurrent requests open one ssh process per pooled connection, then reuse them', async () => {
    const endpoint = resolveEndpoint({ host: `ssh://root@127.0.0.1:${sshd.port}`, sshOptions: ['-F', sshd.clientConfig], env: {} });
    const agent = new Agent({ connect: createConnector(endpoint), connections: 2, ...keepAlive });
    const seen = new Set<number>();
    try {
      for (let round = 0; round < 3; round++) {
        const bodies = await Promise.all(
          [0, 1].map(async () => {
            const response = await agent.request({ origin: 'http://docker', method: 'GET', path: '/_ping' });
            return response.body.text();
          }),
        );
        expect(bodies).toEqual(['OK', 'OK']);
        for (const pid of sshChildren()) seen.add(pid);
      }
      expect(seen.size).toBeGreaterThanOrEqual(1);
      expect(seen.size).toBeLessThanOrEqual(2);
    } finally {
      await agent.close();
    }
    await waitUntil(() => sshChildren().length === 0);
    expect(sshChildren()).toEqual([]);
  });

  it('a socket path in the URL is passed to the remote docker (--host=unix://…)', async () => {
    const endpoint = resolveEndpoint({
      host: `ssh://root@127.0.0.1:${sshd.port}${engineSocketPath()}`,
      sshOptions: ['-F', sshd.clientConfig],
      env: {},
    });
    expect(endpoint).toMatchObject({ kind: 'ssh', remoteSocketPath: engineSocketPath() });
    const client = new Client('http://docker', { connect: createConnector(endpoint) });
    try {
      const response = await client.request({ method: 'GET', path: '/info' });
      expect(JSON.parse(await response.body.text()).ID).toBe(engineId);
    } finally {
      await client.close();
    }
  });

  it('an untrusted host key fails the request with a ConnectionError carrying ssh’s stderr', async () => {
    const endpoint = resolveEndpoint({
      host: `ssh://root@127.0.0.1:${sshd.port}`,
      sshOptions: ['-F', sshd.untrustedClientConfig],
      env: {},
    });
    const client = new Client('http://docker', { connect: createConnector(endpoint) });
    try {
      const error = await client.request({ method: 'GET', path: '/_ping' }).then(
        () => undefined,
        (reason: unknown) => reason as Error,
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error?.message).toMatch(new RegExp(`^ssh to root@127\\.0\\.0\\.1:${sshd.port} exited with code 255: .*Host key verification failed`, 's'));
    } finally {
      await client.close();
    }
    await waitUntil(() => sshChildren().length === 0);
    expect(sshChildren()).toEqual([]);
  });

  it('a user sshd does not accept fails with ssh’s "Permission denied"', async () => {
    const endpoint = resolveEndpoint({
      host: `ssh://nobody@127.0.0.1:${sshd.port}`,
      sshOptions: ['-F', sshd.clientConfig],
      env: {},
    });
    const client = new Client('http://docker', { connect: createConnector(endpoint) });
    try {
      const error = await client.request({ method: 'GET', path: '/_ping' }).then(
        () => undefined,
        (reason: unknown) => reason as Error,
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error?.message).toMatch(/^ssh to nobody@127\.0\.0\.1:\d+ exited with code 255: .*Permission denied/s);
    } finally {
      await client.close();
    }
  });
});
