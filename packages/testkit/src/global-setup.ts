import { closeEngineClient, engineCall } from './engine-client.js';
import { TEST_LABEL, TEST_RUN_ENV } from './env.js';

/** True when the run that made a resource (its label value, a PID) is still alive. */
function runIsAlive(runId: string | undefined): boolean {
  const pid = Number(runId);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Vitest global setup for the engine project: names this run (workers inherit the variable)
 * and removes what killed earlier runs left (resources labelled with a run that is gone).
 * Runs going on at the same time, another developer's for instance, keep theirs.
 */
export default async function sweepLeftovers(): Promise<void> {
  process.env[TEST_RUN_ENV] = String(process.pid);
  const filters = encodeURIComponent(JSON.stringify({ label: [TEST_LABEL] }));
  const stale = (labels: Record<string, string> | null | undefined) => !runIsAlive(labels?.[TEST_LABEL]);
  try {
    const containers = (await engineCall('GET', `/containers/json?all=1&filters=${filters}`)).json<Array<{ Id: string; Labels?: Record<string, string> }>>();
    for (const c of containers.filter((c) => stale(c.Labels))) await engineCall('DELETE', `/containers/${c.Id}?force=1&v=1`);
    const networks = (await engineCall('GET', `/networks?filters=${filters}`)).json<Array<{ Id: string; Labels?: Record<string, string> }>>();
    for (const n of networks.filter((n) => stale(n.Labels))) await engineCall('DELETE', `/networks/${n.Id}`);
    const volumes = (await engineCall('GET', `/volumes?filters=${filters}`)).json<{ Volumes: Array<{ Name: string; Labels?: Record<string, string> }> | null }>();
    for (const v of (volumes.Volumes ?? []).filter((v) => stale(v.Labels))) await engineCall('DELETE', `/volumes/${encodeURIComponent(v.Name)}?force=1`);
    const images = (await engineCall('GET', `/images/json?filters=${filters}`)).json<Array<{ Id: string; Labels?: Record<string, string> | null }>>();
    for (const i of images.filter((i) => stale(i.Labels))) await engineCall('DELETE', `/images/${i.Id}?force=1`);
  } finally {
    await closeEngineClient();
  }
}
