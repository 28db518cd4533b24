// Error mapping from real engine answers: the class follows the status and the message is the
// engine's own, compared with what the raw socket returns for the same call.
import { TEST_IMAGE, engineCall, engineClient, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, DockerError, NotFoundError, ServerError } from '../src/errors.js';
import { enginePath } from '../src/request-path.js';
import { Transport } from '../src/transport.js';

const resources = trackResources();
const transport = new Transport();
let running: string;

beforeAll(async () => {
  const res = await transport.request({
    method: 'POST',
    path: '/containers/create',
    query: { name: uniqueName('errors') },
    body: { Image: TEST_IMAGE, Cmd: ['sleep', '300'], Labels: testLabels() },
  });
  running = resources.container((await res.json<{ Id: string }>()).Id);
  await (await transport.request({ method: 'POST', path: enginePath`/containers/${running}/start` })).dump();
});

afterAll(() => transport.close());

async function rawMessage(method: 'GET' | 'DELETE' | 'POST', path: string, body?: unknown): Promise<string> {
  const res = await engineCall(method, `/v1.41${path}`, body);
  return res.json<{ message: string }>().message;
}

describe('errors from the engine', () => {
  it('404: inspecting a missing container is NotFoundError with the engine message verbatim', async () => {
    const name = uniqueName('missing');
    const err = await transport.request({ method: 'GET', path: enginePath`/containers/${name}/json` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toBeInstanceOf(DockerError);
    expect((err as NotFoundError).statusCode).toBe(404);
    expect((err as Error).message).toBe(await rawMessage('GET', `/containers/${name}/json`));
    expect((err as Error).message).toContain(name);
    expect((err as { request?: string }).request).toBe(`GET /containers/${name}/json`);
  });

  it('409: removing a running container without force is ConflictError with the engine message verbatim', async () => {
    const err = await transport.request({ method: 'DELETE', path: enginePath`/containers/${running}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).statusCode).toBe(409);
    expect((err as Error).message).toBe(await rawMessage('DELETE', `/containers/${running}`));
    expect((err as Error).message).toMatch(/running container/i);
  });

  it('400: creating a container with an invalid name is BadRequestError with the engine message verbatim', async () => {
    const body = { Image: TEST_IMAGE, Labels: testLabels() };
    const err = await transport
      .request({ method: 'POST', path: '/containers/create', query: { name: 'not a valid name!' }, body })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).statusCode).toBe(400);
    expect((err as Error).message).toBe(await rawMessage('POST', `/containers/create?name=${encodeURIComponent('not a valid name!')}`, body));
    expect((err as Error).message).toMatch(/Invalid container name/);
  });

  it('400: an invalid restart policy in the create body is BadRequestError with the engine message verbatim', async () => {
    const body = { Image: TEST_IMAGE, Labels: testLabels(), HostConfig: { RestartPolicy: { Name: 'bogus' } } };
    const err = await transport.request({ method: 'POST', path: '/containers/create', body }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toBe(await rawMessage('POST', '/containers/create', body));
    expect((err as Error).message).toMatch(/bogus/);
  });

  it('400: an unknown filter in the query is BadRequestError with the engine message verbatim', async () => {
    const filters = { nope: ['x'] };
    const err = await transport.request({ method: 'GET', path: '/containers/json', query: { filters } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toBe(await rawMessage('GET', `/containers/json?filters=${encodeURIComponent(JSON.stringify(filters))}`));
  });

  it('500: a create body the engine cannot decode is ServerError with statusCode 500 and the engine message', async () => {
    const body = '{"Image": 42';
    const err = await transport
      .request({ method: 'POST', path: '/containers/create', body, headers: { 'content-type': 'application/json' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).statusCode).toBe(500);
    const raw = await engineClient().request({
      method: 'POST',
      path: '/v1.41/containers/create',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(raw.statusCode).toBe(500);
    expect((err as Error).message).toBe(((await raw.body.json()) as { message: string }).message);
  });
});
