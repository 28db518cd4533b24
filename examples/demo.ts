// The main job, end to end. Filled in as the SDK lands; for now it proves the engine is up.
import { engineCall, closeEngineClient } from '@dockyard/testkit';

const version = (await engineCall('GET', '/version')).json<{ Version: string; ApiVersion: string }>();
console.log(`engine ${version.Version} (API ${version.ApiVersion}) is up.`);
console.log('dockyard SDK: not built yet (containers, logs and exec land with the resources package).');
await closeEngineClient();
