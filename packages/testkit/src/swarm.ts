import { engineCall } from './engine-client.js';

/** What {@link useTestSwarm} made, for {@link leaveTestSwarm}. */
export interface TestSwarm {
  /** True when this file initialised the swarm (and so must leave it). */
  made: boolean;
  /** The local node's ID. */
  nodeId: string;
}

/**
 * Makes the shared engine a single-node swarm manager for one test file
 * (`--advertise-addr 127.0.0.1`), or uses the swarm it already is. Swarm test files are named
 * `*.swarm.test.ts`: vitest's `swarm` project runs them one at a time, after the other engine
 * tests, so no two files share or leave a swarm under each other.
 */
export async function useTestSwarm(): Promise<TestSwarm> {
  const info = (await engineCall('GET', '/info')).json<{ Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean } }>();
  if (info.Swarm?.LocalNodeState === 'active') {
    if (!info.Swarm.ControlAvailable) throw new Error('The engine is in a swarm but not a manager: swarm tests need a manager.');
    return { made: false, nodeId: info.Swarm.NodeID ?? '' };
  }
  const res = await engineCall('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1', ListenAddr: '127.0.0.1:2377' });
  if (res.status !== 200) throw new Error(`swarm init failed (${res.status}): ${res.body.toString()}`);
  return { made: true, nodeId: res.json<string>() };
}

/** Leaves the swarm, only when {@link useTestSwarm} made it: never a swarm this run did not make. */
export async function leaveTestSwarm(swarm: TestSwarm | undefined): Promise<void> {
  if (!swarm?.made) return;
  await engineCall('POST', '/swarm/leave?force=1');
}
