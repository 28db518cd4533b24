import { readFileSync } from 'node:fs';

/** The shape of `test-env.json`, the one place the engine script and the tests share. */
export interface TestEnv {
  image: string;
  testLabel: string;
  registry: { address: string; username: string; password: string; dataDir: string };
}

// Read at run time (not imported) so that src/ and dist/ both find it one level up.
const env = JSON.parse(readFileSync(new URL('../test-env.json', import.meta.url), 'utf8')) as TestEnv;

/** The image every engine test runs: busybox-static in a scratch image, built locally. */
export const TEST_IMAGE: string = env.image;

/** The label put on everything tests create, so a later run can sweep what a killed run left. */
export const TEST_LABEL: string = env.testLabel;

/** The local registry (Debian's docker-registry with htpasswd auth) and its test user. */
export const REGISTRY: Readonly<TestEnv['registry']> = Object.freeze({ ...env.registry });

/** The environment variable that carries the test run's ID (the vitest main process's PID). */
export const TEST_RUN_ENV = 'DOCKYARD_TEST_RUN';

/** The ID of this test run: set by the global setup, inherited by every test worker. */
export function testRunId(): string {
  return process.env[TEST_RUN_ENV] ?? String(process.pid);
}

/**
 * Labels to put on containers, volumes, networks and images that a test creates. The value is
 * the run's ID, so a later run sweeps only what a run that is gone left behind.
 */
export function testLabels(): Record<string, string> {
  return { [TEST_LABEL]: testRunId() };
}

/** The unix socket of the engine under test: DOCKER_HOST when it is unix://, else the default. */
export function engineSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

/** The environment variable naming the engine under test: `podman` in `npm run test:podman`. */
export const TEST_ENGINE_ENV = 'DOCKYARD_TEST_ENGINE';

/**
 * The kind of engine the tests run against, as the test run declares it (vitest.podman.config.ts
 * sets {@link TEST_ENGINE_ENV}); independent of the SDK's own detection, which tests check.
 */
export function testEngine(): 'docker' | 'podman' {
  return process.env[TEST_ENGINE_ENV] === 'podman' ? 'podman' : 'docker';
}
