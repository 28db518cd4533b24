import { closeEngineClient, engineCall } from './engine-client.js';
import { TEST_LABEL } from './env.js';

/**
 * Vitest global setup for the engine project: removes what a killed earlier run left
 * (everything carrying the test label), so that run never breaks this one.
 */
export default async function sweepLeftovers(): Promise<void> {
  const filters = encodeURIComponent(JSON.stringify({ label: [TEST_LABEL] }));
  try {
    const containers = (await engineCall('GET', `/containers/json?all=1&filters=${filters}`)).json<Array<{ Id: string }>>();
    for (const c of containers) await engineCall('DELETE', `/containers/${c.Id}?force=1&v=1`);
    const networks = (await engineCall('GET', `/networks?filters=${filters}`)).json<Array<{ Id: string }>>();
    for (const n of networks) await engineCall('DELETE', `/networks/${n.Id}`);
    const volumes = (await engineCall('GET', `/volumes?filters=${filters}`)).json<{ Volumes: Array<{ Name: string }> | null }>();
    for (const v of volumes.Volumes ?? []) await engineCall('DELETE', `/volumes/${encodeURIComponent(v.Name)}?force=1`);
    const images = (await engineCall('GET', `/images/json?filters=${filters}`)).json<Array<{ Id: string }>>();
    for (const i of images) await engineCall('DELETE', `/images/${i.Id}?force=1`);
  } finally {
    await closeEngineClient();
  }
}
