import { engineCall } from '@dockyard/testkit';
import { Agent, Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../src/connect/connector.js';
import { describeEndpoint } from '../src/endpoint.js';
import { resolveEndpoint } from '../src/resolve-endpoint.js';
import { type TcpProxy, hasIpv6Loopback, startTcpProxy } from './support/tcp-proxy.js';

// The same engine, reached over TCP through socat in front of its unix socket.
const ipv6 = await hasIpv6Loopback();

describe('TCP endpoints reach the engine', () => {
  let v4: TcpProxy;
  let v6: TcpProxy | undefined;
  let engineId: string;
  beforeAll(async () => {
    v4 = await startTcpProxy('127.0.0.1');
    if (ipv6) v6 = await startTcpProxy('::1');
    engineId = (await engineCall('GET', '/info')).json<{ ID: string }>().ID;
  });
  afterAll(async () => {
    await v4?.stop();
    await v6?.stop();
  });

  it('DOCKER_HOST=tcp://127.0.0.1:<port>: /_ping and /version through an Agent whose connect is the connector', async () => {
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: `tcp://127.0.0.1:${v4.port}` } });
    expect(endpoint).toEqual({ kind: 'tcp', host: '127.0.0.1', port: v4.port, source: 'DOCKER_HOST' });
    const agent = new Agent({ connect: createConnector(endpoint) });
    try {
      const ping = await agent.request({ origin: 'http://docker', method: 'GET', path: '/_ping' });
      expect(ping.statusCode).toBe(200);
      expect(await ping.body.text()).toBe('OK');
      const version = await agent.request({ origin: 'http://docker', method: 'GET', path: '/version' });
      expect(version.statusCode).toBe(200);
      expect(await version.body.json()).toHaveProperty('ApiVersion');
      const info = await agent.request({ origin: 'http://docker', method: 'GET', path: '/info' });
      expect(((await info.body.json()) as { ID: string }).ID).toBe(engineId);
    } finally {
      await agent.close();
    }
  });

  it('a keep-alive connection carries many requests (one socat child serves them all)', async () => {
    const endpoint = resolveEndpoint({ host: `tcp://127.0.0.1:${v4.port}`, env: {} });
    let opened = 0;
    const connect = createConnector(endpoint);
    const client = new Client('http://docker', {
      connect: (options, callback) => {
        opened++;
        connect(options, callback);
      },
    });
    try {
      for (let i = 0; i < 5; i++) {
        const response = await client.request({ method: 'GET', path: '/_ping' });
        expect(await response.body.text()).toBe('OK');
      }
      expect(opened).toBe(1);
    } finally {
      await client.close();
    }
  });

  it.runIf(ipv6)('IPv6: tcp://[::1]:<port> (runs only where the machine has ::1)', async () => {
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: `tcp://[::1]:${v6?.port}` } });
    expect(endpoint).toMatchObject({ kind: 'tcp', host: '::1' });
    expect(describeEndpoint(endpoint)).toBe(`tcp://[::1]:${v6?.port}`);
    const client = new Client('http://docker', { connect: createConnector(endpoint) });
    try {
      const info = await client.request({ method: 'GET', path: '/info' });
      expect(info.statusCode).toBe(200);
      expect(((await info.body.json()) as { ID: string }).ID).toBe(engineId);
    } finally {
      await client.close();
    }
  });
});
