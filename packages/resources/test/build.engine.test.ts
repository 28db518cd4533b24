import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY, TEST_IMAGE, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { AbortError, BuildContextError, type BuildMessage, type BuildResult, Docker, DockerError, NotFoundError, type ProgressStream, StreamError, packContext } from '../src/index.js';

const resources = trackResources();
const docker = new Docker();
const scratch = mkdtempSync(join(tmpdir(), 'dockyard-build-'));
resources.defer(() => rmSync(scratch, { recursive: true, force: true }));
afterAll(() => docker.close());
const labels = testLabels();

// The classic builder keeps the layers of every step (and the container of a failed RUN):
// they are collected from the output and removed after the file, newest first.
const layers: string[] = [];
let testImageShortId = '';
beforeAll(async () => {
  testImageShortId = (await docker.images.get(TEST_IMAGE).inspect()).Id?.slice('sha256:'.length, 'sha256:'.length + 12) ?? '';
});
afterAll(() => {
  for (const id of [...layers].reverse()) resources.image(id);
});

/** Runs a build to its end, recording its output, intermediate containers and layers. */
async function drive(build: ProgressStream<BuildMessage, BuildResult>, output: string[] = []): Promise<BuildResult> {
  let afterFrom = false;
  for await (const step of build) {
    const text = step.stream ?? '';
    output.push(text);
    if (/^Step \d+\/\d+ : FROM /.test(text)) afterFrom = true;
    const running = text.match(/^ ---> Running in ([0-9a-f]{12})/)?.[1];
    if (running) resources.container(running);
    const layer = text.match(/^ ---> ([0-9a-f]{12})\s*$/)?.[1];
    if (layer) {
      // The image a FROM names existed before (or was built by an earlier stage): not ours to remove.
      if (!afterFrom && layer !== testImageShortId) layers.push(layer);
      afterFrom = false;
    }
  }
  return build.done();
}

/** A context directory with these files. */
function context(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(scratch, 'ctx-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** A fresh tag, removed after the file. */
function tag(prefix = 'build'): string {
  return resources.image(`dockyard-${uniqueName(prefix)}:1`);
}

describe('docker.images.build against the engine', () => {
  it('honours .dockerignore: the big directory is neither sent nor in the image', async () => {
    const big = Buffer.alloc(8 << 20, 7);
    const dir = context({
      Dockerfile: `FROM ${TEST_IMAGE}\nCOPY . /ctx\nRUN test -f /ctx/small.txt && test ! -e /ctx/big && test -f /ctx/big-keep.txt\n`,
      '.dockerignore': '# large data\nbig\n',
      'small.txt': 'small',
      'big/file.bin': big,
      'big-keep.txt': 'kept: `big` matches only the directory named big',
    });
    const name = tag();
    const output: string[] = [];
    const result = await drive(docker.images.build({ context: dir, tag: name, labels }), output);
    expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The 8 MiB file was left out: what was sent is a few tar blocks.
    expect(result.contextBytes).toBeGreaterThan(0);
    expect(result.contextBytes).toBeLessThan(64 * 1024);
    expect(output.join('')).toContain(`Successfully tagged ${name}`);
    const image = await docker.images.get(name).inspect();
    expect(image.Id).toBe(result.imageId);
    expect(image.Config?.Labels).toMatchObject(labels);
  });

  it('a failing RUN rejects done() and the loop with the failing step\'s message', async () => {
    const dir = context({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN echo before\nRUN false\nRUN echo never\n` });
    const err = await drive(docker.images.build({ context: dir, tag: tag('fail'), labels })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamError);
    expect(err).toBeInstanceOf(DockerError);
    expect((err as StreamError).message).toBe("The command '/bin/sh -c false' returned a non-zero code: 1");
    expect((err as StreamError).engineCode).toBe(1);

    // done() without a loop rejects the same way (forcerm: the failed step's container goes too).
    const direct = await docker.images.build({ context: dir, labels, forcerm: true }).done().catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(StreamError);
    expect((direct as Error).message).toBe("The command '/bin/sh -c false' returned a non-zero code: 1");
    const seen: string[] = [];
    const looped = await drive(docker.images.build({ context: dir, labels }), seen).catch((e: unknown) => e);
    expect(looped).toBeInstanceOf(StreamError);
    expect(seen.join('')).toContain('Step 3/5 : RUN false');
    expect(seen.join('')).not.toContain('echo never');
  });

  it('a multi-stage build stops at `target`', async () => {
    const dir = context({
      Dockerfile: [
        `FROM ${TEST_IMAGE} AS base`,
        'LABEL stage=base',
        'FROM base AS tools',
        'RUN echo tools > /stage',
        'LABEL stage=tools',
        'FROM base AS final',
        'RUN false',
        '',
      ].join('\n'),
    });
    const name = tag('target');
    const { imageId } = await drive(docker.images.build({ context: dir, tag: name, target: 'tools', labels }));
    const image = await docker.images.get(name).inspect();
    expect(image.Id).toBe(imageId);
    expect(image.Config?.Labels?.stage).toBe('tools');
    // Without the target the last stage is built, and it fails: the target did change what ran.
    await expect(drive(docker.images.build({ context: dir, labels }))).rejects.toThrow(/non-zero code: 1/);
  });

  it('several tags, buildargs, extrahosts, networkmode, a named Dockerfile and nocache', async () => {
    const dir = context({
      'docker/App.Dockerfile': [
        `FROM ${TEST_IMAGE}`,
        'ARG V',
        'RUN grep -q "10.1.2.3[[:space:]]*myhost" /etc/hosts && grep -q "10.1.2.4[[:space:]]*other" /etc/hosts',
        'RUN ! ip route 2>/dev/null | grep -q default',
        'LABEL v=$V',
        '',
      ].join('\n'),
    });
    const [a, b] = [tag('multi'), tag('multi')];
    const { imageId } = await drive(
      docker.images.build({
        context: dir,
        dockerfile: 'docker/App.Dockerfile',
        tag: [a, b],
        buildargs: { V: '1.2' },
        extrahosts: ['myhost:10.1.2.3', 'other:10.1.2.4'],
        networkmode: 'none',
        nocache: true,
        labels,
      }),
    );
    const [ia, ib] = await Promise.all([docker.images.get(a).inspect(), docker.images.get(b).inspect()]);
    expect(ia.Id).toBe(imageId);
    expect(ib.Id).toBe(imageId);
    expect(ia.Config?.Labels?.v).toBe('1.2');
  });

  it('a tar stream (an AsyncIterable of bytes) as context; its bytes are counted', async () => {
    const dir = context({ Dockerfile: `FROM ${TEST_IMAGE}\nCOPY hello.txt /\nRUN test "$(cat /hello.txt)" = hi\n`, 'hello.txt': 'hi' });
    let packed = 0;
    async function* tarStream() {
      for await (const chunk of packContext(dir)) {
        packed += chunk.byteLength;
        yield chunk;
      }
    }
    const name = tag('stream');
    const result = await drive(docker.images.build({ context: tarStream(), tag: name, labels }));
    expect(result.contextBytes).toBe(packed);
    expect((await docker.images.get(name).inspect()).Id).toBe(result.imageId);
  });

  it('an AbortSignal ends a running build with AbortError', async () => {
    const dir = context({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN sleep 30\n` });
    const controller = new AbortController();
    const build = docker.images.build({ context: dir, labels, nocache: true, forcerm: true, signal: controller.signal });
    const output: string[] = [];
    const err = await (async () => {
      for await (const step of build) {
        output.push(step.stream ?? '');
        const running = step.stream?.match(/Running in ([0-9a-f]{12})/)?.[1];
        if (running) {
          resources.container(running);
          controller.abort();
        }
      }
    })().catch((e: unknown) => e);
    expect(output.join('')).toContain('RUN sleep 30');
    expect(err).toBeInstanceOf(AbortError);
    // done() after the aborted loop rejects with AbortError too.
    await expect(build.done()).rejects.toBeInstanceOf(AbortError);
  });

  it('a missing context directory fails with BuildContextError; nothing happens before iteration', async () => {
    const build = docker.images.build({ context: join(scratch, 'nowhere'), labels });
    await expect(build.done()).rejects.toBeInstanceOf(BuildContextError);
  });
});

describe('build with registry credentials (X-Registry-Config)', () => {
  const auth = { username: REGISTRY.username, password: REGISTRY.password };
  const base = `${REGISTRY.address}/${uniqueName('buildbase')}:1`;
  const [baseRepo] = base.split(/:1$/) as [string];

  beforeAll(async () => {
    await docker.images.get(TEST_IMAGE).tag({ repo: baseRepo, tag: '1' });
    resources.image(base);
    await docker.images.push(base, { auth }).done();
  });

  async function dropBase() {
    await docker.images.get(base).remove({ force: true }).catch((e: unknown) => {
      if (!(e instanceof NotFoundError)) throw e;
    });
  }

  it('pulls a private base image with `auth`; a wrong password fails without showing the secret', async () => {
    const dir = context({ Dockerfile: `FROM ${base}\nLABEL from=registry\n` });
    await dropBase();
    const name = tag('regbuild');
    const { imageId } = await drive(docker.images.build({ context: dir, tag: name, pull: true, labels, auth: { [REGISTRY.address]: auth } }));
    expect((await docker.images.get(name).inspect()).Id).toBe(imageId);

    await dropBase();
    const secret = 'wrong-secret-password-4242';
    const err = await docker.images
      .build({ context: dir, pull: true, labels, auth: { [REGISTRY.address]: { username: auth.username, password: secret } } })
      .done()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerError);
    expect((err as Error).message).toMatch(/unauthorized|authentication required|no basic auth/i);
    const shown = inspect(err, { depth: 10 }) + String((err as Error).stack);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(Buffer.from(secret).toString('base64').slice(0, 12));
  });

  it('takes every registry of config.json by default; unreadable credentials fail the build', async () => {
    const dir = context({ Dockerfile: `FROM ${base}\nLABEL from=config\n` });
    const configDir = mkdtempSync(join(scratch, 'config-'));
    writeFileSync(
      join(configDir, 'config.json'),
      JSON.stringify({ auths: { [REGISTRY.address]: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') } } }),
    );
    const client = new Docker({ env: { DOCKER_CONFIG: configDir, PATH: process.env.PATH } });
    try {
      await dropBase();
      const name = tag('cfgbuild');
      const { imageId } = await drive(client.images.build({ context: dir, tag: name, pull: true, labels }));
      expect((await client.images.get(name).inspect()).Id).toBe(imageId);
    } finally {
      await client.close();
    }

    const brokenDir = mkdtempSync(join(scratch, 'config-'));
    writeFileSync(join(brokenDir, 'config.json'), JSON.stringify({ credsStore: 'dockyard-no-such-helper' }));
    const broken = new Docker({ env: { DOCKER_CONFIG: brokenDir, PATH: process.env.PATH } });
    try {
      const err = await broken.images.build({ context: dir, labels }).done().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerError);
      expect((err as Error).message).toContain('docker-credential-dockyard-no-such-helper');
    } finally {
      await broken.close();
    }
  });
});
