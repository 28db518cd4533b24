import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// `npm run test:podman`: the engine tests against Podman's Docker-compatible API, which
// scripts/podman.mjs starts on its own socket next to dockerd, plus the Podman-only tests
// (*.podman.test.ts). Podman has no swarm mode: the swarm project does not run here.
process.env.DOCKER_HOST = 'unix:///run/dockyard-podman.sock';
process.env.DOCKYARD_TEST_ENGINE = 'podman';

/**
 * Tests that pin dockerd's own answers where Podman 4.3 answers differently, each with why.
 * dockyard's side of each difference is in the README's compatibility table; what dockyard
 * does about Podman is tested in *.podman.test.ts.
 */
const NOT_ON_PODMAN: ReadonlyArray<{ file: string; test: string; why: string }> = [
  // Messages and statuses
  { file: 'transport/test/error-mapping.engine.test.ts', test: '409: removing a running container without force', why: 'Podman answers 500 (cause "container state improper"); dockyard maps it to ConflictError but keeps the real status' },
  { file: 'transport/test/error-mapping.engine.test.ts', test: '400: creating a container with an invalid name', why: 'Podman answers 500 for invalid input' },
  { file: 'transport/test/error-mapping.engine.test.ts', test: '400: an invalid restart policy in the create body', why: 'Podman answers 500 for invalid input' },
  { file: 'transport/test/error-mapping.engine.test.ts', test: '400: an unknown filter in the query', why: 'Podman answers 500 for invalid input' },
  { file: 'resources/test/containers.engine.test.ts', test: 'errors: NotFoundError and ConflictError carry the engine message verbatim', why: "asserts dockerd's wording and 409; Podman's are its own" },
  { file: 'resources/test/archive.engine.test.ts', test: 'getArchive of a missing path returns at once', why: "Podman's 404 says `no such file or directory` without the path" },
  { file: 'resources/test/archive.engine.test.ts', test: 'noOverwriteDirNonDir: replacing a directory with a file', why: "Podman's message is buildah's copier dump, not `cannot overwrite directory`" },
  { file: 'resources/test/build.engine.test.ts', test: 'a failing RUN rejects done() and the loop with the failing step', why: 'buildah words a failing step differently' },
  { file: 'resources/test/build.engine.test.ts', test: 'a multi-stage build stops at `target`', why: 'buildah words a failing step differently' },
  { file: 'stream/test/streams.engine.test.ts', test: 'reads build progress: aux carries the image id; a failing step throws StreamError with its code', why: "buildah's in-band error has no code" },
  // Missing or different features
  { file: 'resources/test/containers.engine.test.ts', test: 'get() is lazy and works by name; rename, update, top, changes, resize, kill, wait', why: 'POST /containers/{id}/update is 404 in Podman 4.3' },
  { file: 'transport/test/transport.engine.test.ts', test: 'a pinned 1.99 gets the engine own "too new" answer', why: 'Podman accepts any version in the path' },
  { file: 'transport/test/transport.engine.test.ts', test: 'gives TimeoutError when no headers arrive within the timeout', why: 'waits for a `destroy` event; Podman sends `remove`' },
  { file: 'resources/test/logs.engine.test.ts', test: 'lines() with timestamps, text(), and stdout/stderr views', why: 'Podman log timestamps are whole seconds' },
  { file: 'stream/test/streams.engine.test.ts', test: 'demultiplexes logs with timestamps into tagged lines', why: 'Podman log timestamps are whole seconds' },
  { file: 'resources/test/attach-events-stats.engine.test.ts', test: 'stats() streams samples until break; statsOnce() returns one', why: "Podman's stats `name` has no leading `/`" },
  { file: 'resources/test/archive.engine.test.ts', test: 'statPath: a file, a symlink, and a missing path', why: "Podman's path stat gives a regular file its own path as linkTarget" },
  { file: 'resources/test/build.engine.test.ts', test: 'an AbortSignal ends a running build with AbortError', why: 'buildah prints no `Running in <id>` line, the test\'s cue to abort' },
  { file: 'resources/test/build.engine.test.ts', test: 'several tags, buildargs, extrahosts, networkmode, a named Dockerfile and nocache', why: 'Podman 4.3 answers this build 400 without a message' },
  { file: 'resources/test/registry.engine.test.ts', test: 'auth from the option: push, then pull back by tag and by digest', why: 'Podman sends no push aux (Tag, Digest, Size): push().done() has no digest' },
  { file: 'resources/test/registry.engine.test.ts', test: 'auth from config.json `auths`', why: 'pushes the image the excluded push test leaves' },
  { file: 'resources/test/registry.engine.test.ts', test: 'auth from a credential helper (credHelpers) and from credsStore', why: 'pushes the image the excluded push test leaves' },
  { file: 'resources/test/registry.engine.test.ts', test: 'import makes an image from an exported container filesystem', why: 'Podman names the import localhost/…; the short name resolves to docker.io/library/…' },
  { file: 'resources/test/volumes-networks.engine.test.ts', test: 'create with a subnet, connect with alias and static IP, reach by alias', why: 'an alias given at connect does not resolve from the other container' },
  { file: 'resources/test/one-shape.engine.test.ts', test: 'to an exited container ends at once with the output so far (logs: true)', why: 'replayed frames one byte short, containers/podman#16856 (pinned in podman.podman.test.ts)' },
  { file: 'resources/test/one-shape.engine.test.ts', test: 'stream: false with logs: true gives the output so far', why: 'replayed frames one byte short, containers/podman#16856' },
  { file: 'resources/test/one-shape.engine.test.ts', test: 'to an exited container without logs ends at once, empty', why: 'Podman keeps an attach to an exited container open (dockerd ends it)' },
  { file: 'resources/test/one-shape.engine.test.ts', test: 'a detached exec returns once started and wait() follows it', why: 'Podman 4.3 reports a finished detached exec as Running (ExitCode 0) for good, so wait() never ends' },
  { file: 'resources/test/volumes-networks.engine.test.ts', test: 'prune removes unused networks matching a label', why: "Podman's network prune fails (500, `does not exist in database`) when a container is removed meanwhile, as parallel test files do" },
  { file: 'resources/test/attach-events-stats.engine.test.ts', test: 'a request the engine refuses (400) still throws; exact timeNano', why: 'Podman does not refuse `since` after `until`' },
  { file: 'resources/test/more-engine.engine.test.ts', test: 'commit: a new image with the container’s changes', why: 'Podman names the committed image localhost/…, so its RepoTags differ' },
  { file: 'resources/test/more-engine.engine.test.ts', test: 'login: right credentials resolve', why: "Podman's POST /auth speaks HTTPS to 127.0.0.1:5000, which serves plain HTTP" },
  { file: 'resources/test/more-engine.engine.test.ts', test: 'distribution: the digest a push reported', why: 'GET /distribution/{name}/json is not supported by Podman 4.3 (404)' },
  { file: 'resources/test/more-engine.engine.test.ts', test: 'build cache prune: what went and the bytes reclaimed', why: 'POST /build/prune is 404 in Podman 4.3' },
  { file: 'resources/test/more-engine.engine.test.ts', test: 'attachWebSocket: stdin in, output out', why: 'Podman 4.3 refuses GET /containers/{id}/attach/ws' },
  { file: 'ship/test/follow-all.engine.test.ts', test: 'follows selected containers (running and started later)', why: 'uses the `local` log driver (16 KiB parts without a newline), which Podman does not have' },
  {
    file: 'ship/test/tty.engine.test.ts',
    test: 'output left unterminated at exit and the next run',
    why: "the `local` variant: Podman has no `local` log driver; the json-file variant: Podman sends a line in unmarked pieces (only the last with `\n`), so a run's output left without `\n` at exit is joined with the next run's first line, and its times are whole seconds (the test wants each line's own nanosecond time)",
  },
  // Engine identity: these transport tests prove "same engine" by /info's ID, which Podman
  // makes up anew on every call; the connectors themselves are engine-independent and run
  // against dockerd.
  { file: 'transport/test/tcp.engine.test.ts', test: 'DOCKER_HOST=tcp://127.0.0.1:<port>: /_ping and /version', why: "/info ID differs on every call" },
  { file: 'transport/test/tcp.engine.test.ts', test: 'IPv6: tcp://[::1]:<port>', why: '/info ID differs on every call' },
  { file: 'transport/test/tls.engine.test.ts', test: 'DOCKER_TLS_VERIFY=1 + DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) reaches the engine', why: '/info ID differs on every call' },
  { file: 'transport/test/tls.engine.test.ts', test: 'a context made by `docker context create` with ca/cert/key', why: '/info ID differs on every call' },
  { file: 'transport/test/ssh.engine.test.ts', test: 'a socket path in the URL is passed to the remote docker', why: '/info ID differs on every call' },
  { file: 'transport/test/ssh.engine.test.ts', test: 'several requests through one Agent (one connection) reuse ONE ssh process', why: 'the remote `docker system dial-stdio` reaches dockerd, and /info ID differs on every call' },
];

/** Whole files that do not apply to Podman, each with why. */
const FILES_NOT_ON_PODMAN: ReadonlyArray<{ file: string; why: string }> = [
  ...['commands', 'terminal', 'ship'].map((name) => ({
    file: `cli/test/${name}.engine.test.ts`,
    why: "the `dockyard` command is held against the docker CLI talking to dockerd (its wording, exit codes, build and stats output, event actions); Podman's answers differ as the table in the README says, and the command makes no claim about them yet",
  })),
  { file: 'resources/test/plugins.engine.test.ts', why: 'Podman has no managed plugins: /plugins/* is 404' },
  { file: 'ship/test/oracle.engine.test.ts', why: "holds ship() against Docker's own fluentd log driver, which Podman does not have" },
  {
    file: 'resources/test/fleet-restart.engine.test.ts',
    why: "copies the test image into a private dockerd with save/load; Podman's save names it localhost/dockyard-test/busybox, so the short name is missing there (the fleet itself is engine-independent and runs against dockerd)",
  },
];

// A stale entry (the test renamed or gone) fails the run instead of silently excluding nothing.
for (const { file, test } of NOT_ON_PODMAN) {
  if (!readFileSync(new URL(`packages/${file}`, import.meta.url), 'utf8').includes(test)) {
    throw new Error(`vitest.podman.config.ts: no test "${test}" in packages/${file}`);
  }
}

for (const { file } of FILES_NOT_ON_PODMAN) {
  if (!existsSync(new URL(`packages/${file}`, import.meta.url))) throw new Error(`vitest.podman.config.ts: no file packages/${file}`);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineConfig({
  test: {
    name: 'podman',
    include: ['packages/*/test/**/*.engine.test.ts', 'packages/*/test/**/*.podman.test.ts'],
    exclude: ['**/*.swarm.test.ts', '**/node_modules/**', ...FILES_NOT_ON_PODMAN.map((f) => `packages/${f.file}`)],
    testNamePattern: new RegExp(`^(?!.*(?:${NOT_ON_PODMAN.map((t) => escape(t.test)).join('|')}))`),
    reporters: ['default', './scripts/summary-reporter.ts'],
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 3,
  },
});
