// Shared helpers for dockyard's engine tests: re-exports only.
export {
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_ENV,
  TEST_ENGINE_ENV,
  REGISTRY,
  testLabels,
  testRunId,
  testEngine,
  engineSocketPath,
  type TestEnv,
} from './env.js';
export { uniqueName } from './names.js';
export { engineCall, engineClient, closeEngineClient, type EngineResponse } from './engine-client.js';
export { trackResources, type ResourceTracker } from './resources.js';
export { useTestSwarm, leaveTestSwarm, type TestSwarm } from './swarm.js';
export { startPrivateEngine, docker0Address, restoreDocker0, type PrivateEngine, type PrivateEngineOptions } from './private-engine.js';
