import { defineConfig } from 'vitest/config';

// The engine tests against Podman's Docker-compatible API (scripts/podman.mjs starts it).
process.env.DOCKER_HOST = 'unix:///run/dockyard-podman.sock';
process.env.DOCKYARD_TEST_ENGINE = 'podman';

export default defineConfig({
  test: {
    name: 'podman',
    include: ['packages/*/test/**/*.engine.test.ts', 'packages/*/test/**/*.podman.test.ts'],
    exclude: ['**/*.swarm.test.ts', '**/node_modules/**'],
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 3,
  },
});
