// A hijacked exec of `cat` on the real engine: stdin written in pieces with backpressure,
// half-closed, and the whole echo still arrives before the engine closes the connection.
import { randomBytes } from 'node:crypto';
import { TEST_IMAGE, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../src/errors.js';
import { enginePath } from '../src/request-path.js';
import { Transport } from '../src/transport.js';

const resources = trackResources();
const transport = new Transport();
let container: string;

beforeAll(async () => {
  const res = await transport.request({
    method: 'POST',
    path: '/containers/create',
    query: { name: uniqueName('hijack') },
    body: { Image: TEST_IMAGE, Cmd: ['sleep', '300'], Labels: testLabels() },
  });
  container = resources.container((await res.json<{ Id: string }>()).Id);
  await (await transport.request({ method: 'POST', path: enginePath`/containers/${container}/start` })).dump();
});

afterAll(() => transport.close());

/** Splits a multiplexed stream (8-byte `>BxxxL` headers) into stdout and stderr; throws on a cut frame. */
function demultiplex(bytes: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Record<number, Buffer[]> = { 1: [], 2: [] };
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 8) throw new Error(`truncated frame header at ${at}`);
    const stream = bytes[at] as number;
    const size = bytes.readUInt32BE(at + 4);
    if (at + 8 + size > bytes.length) throw new Error(`truncated frame at ${at}`);
    out[stream]?.push(bytes.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out[1] ?? []), stderr: Buffer.concat(out[2] ?? []) };
}

async function createExec(cmd: string[]): Promise<string> {
  const res = await transport.request({
    method: 'POST',
    path: enginePath`/containers/${container}/exec`,
    body: { AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false, Cmd: cmd },
  });
  return (await res.json<{ Id: string }>()).Id;
}

describe('hijack on the engine', () => {
  it('echoes 1 MiB through a hijacked exec of cat, written in pieces and half-closed', async () => {
    const execId = await createExec(['cat']);
    const socketsBefore = transport.openSockets;
    const conn = await transport.hijack({ method: 'POST', path: enginePath`/exec/${execId}/start`, body: { Detach: false, Tty: false } });
    expect(conn.statusCode).toBe(101);
    expect(transport.openSockets).toBe(socketsBefore + 1);
    // API 1.41 sends raw-stream even for multiplexed output: the media type cannot tell.
    expect(conn.headers['content-type']).toBe('application/vnd.docker.raw-stream');
    expect(conn.mediaType).toBe('unknown');

    const chunks: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of conn.output) chunks.push(Buffer.from(chunk));
    })();
    const input = randomBytes(1024 * 1024);
    for (let at = 0; at < input.length; at += 50_000) await conn.write(input.subarray(at, at + 50_000));
    await conn.end();
    await reading;

    const { stdout, stderr } = demultiplex(Buffer.concat(chunks));
    expect(stderr.length).toBe(0);
    expect(stdout.length).toBe(input.length);
    expect(stdout.equals(input)).toBe(true);
    // The engine closed the hijacked socket when cat exited; it is gone from this transport.
    await expect.poll(() => transport.openSockets).toBe(socketsBefore);

    const inspect = await (await transport.request({ method: 'GET', path: enginePath`/exec/${execId}/json` })).json<{
      Running: boolean;
      ExitCode: number;
    }>();
    expect(inspect).toMatchObject({ Running: false, ExitCode: 0 });
  });

  it('carries stderr frames and string writes', async () => {
    const execId = await createExec(['sh', '-c', 'cat >&2; echo done']);
    const conn = await transport.hijack({ method: 'POST', path: enginePath`/exec/${execId}/start`, body: { Detach: false, Tty: false } });
    const chunks: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of conn.output) chunks.push(Buffer.from(chunk));
    })();
    await conn.write('to stderr\n');
    await conn.end();
    await reading;
    const { stdout, stderr } = demultiplex(Buffer.concat(chunks));
    expect(stderr.toString()).toBe('to stderr\n');
    expect(stdout.toString()).toBe('done\n');
  });

  it('maps an error status of a hijack request to the DockerError with the engine message', async () => {
    const err = await transport
      .hijack({ method: 'POST', path: enginePath`/exec/${'no-such-exec'}/start`, body: { Detach: false, Tty: false } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/no-such-exec/);
  });

  it('close() ends the output at once', async () => {
    const execId = await createExec(['cat']);
    const conn = await transport.hijack({ method: 'POST', path: enginePath`/exec/${execId}/start`, body: { Detach: false, Tty: false } });
    const reading = (async () => {
      let n = 0;
      for await (const chunk of conn.output) n += chunk.length;
      return n;
    })();
    await conn.write('abc');
    conn.close();
    expect(await reading).toBeGreaterThanOrEqual(0);
    await expect(conn.write('more')).rejects.toThrow();
  });
});
