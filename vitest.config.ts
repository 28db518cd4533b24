import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no engine and runs anywhere in seconds; `engine` talks to the
// real Docker engine that scripts/engine.mjs makes sure is running.
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          exclude: ['**/*.engine.test.ts', '**/*.swarm.test.ts', '**/*.podman.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
          // Unit tests first (seconds), then the engine tests, each group with its own workers.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'engine',
          include: ['packages/*/test/**/*.engine.test.ts'],
          exclude: ['**/*.swarm.test.ts', '**/node_modules/**'],
          globalSetup: ['packages/testkit/src/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          sequence: { groupOrder: 1 },
          // 2 cores: a few files at once keep the engine busy without starving it.
          maxWorkers: 3,
        },
      },
      {
        test: {
          // Swarm mode is one per engine: these files init (or reuse) it and leave only what
          // they made, so they run one at a time, after every other engine test.
          name: 'swarm',
          include: ['packages/*/test/**/*.swarm.test.ts'],
          globalSetup: ['packages/testkit/src/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          sequence: { groupOrder: 2 },
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
