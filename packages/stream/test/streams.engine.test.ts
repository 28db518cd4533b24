// The decoders against what the real engine sends: multiplexed and TTY logs, a follow
// stream cancelled by `break`, and build progress with `aux` and an in-band error.
import { TEST_IMAGE, engineCall, engineClient, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { describe, expect, it } from 'vitest';
import { demuxFrames, lines, progressStream, rawChunks, StreamError, splitStreams } from '../src/index.js';
import { collect, outcome, text } from './support.js';

const resources = trackResources();

/** Creates (and registers) a container of the test image; starts it and, unless `running`, waits for it. */
async function container(cmd: string, options: { tty?: boolean; running?: boolean } = {}): Promise<string> {
  const created = await engineCall('POST', `/containers/create?name=${uniqueName('stream')}`, {
    Image: TEST_IMAGE,
    Cmd: ['sh', '-c', cmd],
    Tty: options.tty ?? false,
    Labels: testLabels(),
  });
  expect(created.status, created.body.toString()).toBe(201);
  const id = resources.container(created.json<{ Id: string }>().Id);
  expect((await engineCall('POST', `/containers/${id}/start`)).status).toBe(204);
  if (!options.running) expect((await engineCall('POST', `/containers/${id}/wait`)).status).toBe(200);
  return id;
}

/** A streaming GET or POST on the engine socket: the body as the async iterable undici hands out. */
async function open(method: 'GET' | 'POST', path: string, body?: Uint8Array, contentType?: string) {
  const res = await engineClient().request({
    method,
    path,
    body,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
  });
  expect(res.statusCode).toBe(200);
  return res.body;
}

/** A one-file tar archive (ustar), enough for a build context holding a Dockerfile. */
function tarOf(name: string, content: string): Uint8Array {
  const data = new TextEncoder().encode(content);
  const header = new Uint8Array(512);
  const put = (value: string, at: number) => header.set(new TextEncoder().encode(value), at);
  put(name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  put(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  put('        ', 148);
  put('0', 156);
  put('ustar\x0000', 257);
  const sum = header.reduce((n, b) => n + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Math.ceil(data.length / 512) * 512;
  const out = new Uint8Array(512 + padded + 1024);
  out.set(header, 0);
  out.set(data, 512);
  return out;
}

describe('decoding real engine streams', () => {
  it('demultiplexes logs with timestamps into tagged lines, multi-byte text and a 40 000-byte line included', async () => {
    const id = await container(
      "printf 'out 1\\nout é€😀\\n'; printf 'err 1\\n' >&2; head -c 40000 /dev/zero | tr '\\0' x; echo; printf 'no newline'",
    );
    const body = await open('GET', `/containers/${id}/logs?stdout=1&stderr=1&timestamps=1`);
    const got = await collect(lines(demuxFrames(body), { timestamps: true }));
    const texts = got.map((l) => [l.stream, l.text.length > 100 ? `x*${l.text.length}` : l.text]);
    expect(texts.filter(([s]) => s === 'stderr')).toEqual([['stderr', 'err 1']]);
    const stdout = texts.filter(([s]) => s === 'stdout').map(([, t]) => t);
    expect(stdout.slice(0, 2)).toEqual(['out 1', 'out é€😀']);
    expect(stdout.at(-1)).toBe('no newline');
    for (const line of got) expect(line.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
  });

  it('joins a long line the engine sends in several frames (no timestamps)', async () => {
    const id = await container("head -c 40000 /dev/zero | tr '\\0' x; echo");
    const frames = await collect(demuxFrames(await open('GET', `/containers/${id}/logs?stdout=1`)));
    expect(frames.length).toBeGreaterThan(1); // the engine splits log lines at 16 KiB
    const got = await collect(lines(demuxFrames(await open('GET', `/containers/${id}/logs?stdout=1`))));
    expect(got).toEqual([{ stream: 'stdout', text: 'x'.repeat(40000) }]);
  });

  it('splits a real multiplexed stream into stdout and stderr bytes', async () => {
    const id = await container('for i in 1 2 3; do echo out$i; echo err$i >&2; done');
    const { stdout, stderr } = splitStreams(demuxFrames(await open('GET', `/containers/${id}/logs?stdout=1&stderr=1`)));
    const [out, err] = await Promise.all([collect(stdout), collect(stderr)]);
    expect(out.map(text).join('')).toBe('out1\nout2\nout3\n');
    expect(err.map(text).join('')).toBe('err1\nerr2\nerr3\n');
  });

  it('reads TTY logs as raw stdout, and demuxFrames refuses them instead of guessing', async () => {
    const id = await container('echo tty-out; echo tty-err >&2', { tty: true });
    const got = await collect(lines(rawChunks(await open('GET', `/containers/${id}/logs?stdout=1&stderr=1`))));
    expect(got).toEqual([
      { stream: 'stdout', text: 'tty-out' },
      { stream: 'stdout', text: 'tty-err' },
    ]);
    const { error } = await outcome(demuxFrames(await open('GET', `/containers/${id}/logs?stdout=1&stderr=1`)));
    expect(error).toBeInstanceOf(StreamError);
  });

  it('break on a follow stream closes the response body below', async () => {
    const id = await container('echo ready; exec sleep 300', { running: true });
    const body = await open('GET', `/containers/${id}/logs?stdout=1&follow=1`);
    for await (const line of lines(demuxFrames(body))) {
      expect(line.text).toBe('ready');
      break;
    }
    expect(body.destroyed).toBe(true);
  });

  it('reads build progress: aux carries the image id; a failing step throws StreamError with its code', async () => {
    const tag = `${uniqueName('stream-build')}:1`;
    resources.image(tag);
    const labels = encodeURIComponent(JSON.stringify(testLabels()));
    const build = (dockerfile: string, t: string) =>
      open('POST', `/build?t=${encodeURIComponent(t)}&labels=${labels}&rm=1&forcerm=1`, tarOf('Dockerfile', dockerfile), 'application/x-tar');

    const aux: unknown[] = [];
    const messages = await collect(
      progressStream(await build(`FROM ${TEST_IMAGE}\nRUN echo built-here\n`, tag), { onAux: (a) => aux.push(a) }),
    );
    expect(messages.map((m) => m.stream ?? '').join('')).toContain('built-here');
    const built = aux.find((a): a is { ID: string } => typeof (a as { ID?: unknown }).ID === 'string');
    expect(built?.ID).toMatch(/^sha256:[0-9a-f]{64}$/);
    const inspected = await engineCall('GET', `/images/${encodeURIComponent(tag)}/json`);
    expect(inspected.json<{ Id: string }>().Id).toBe(built?.ID);

    const failingTag = `${uniqueName('stream-build-fail')}:1`;
    resources.image(failingTag);
    const { items, error } = await outcome(progressStream(await build(`FROM ${TEST_IMAGE}\nRUN exit 3\n`, failingTag)));
    expect(items.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ engineCode: 3, code: 'DOCKYARD_STREAM' });
    expect((error as StreamError).message).toMatch(/returned a non-zero code: 3/);
  });
});
