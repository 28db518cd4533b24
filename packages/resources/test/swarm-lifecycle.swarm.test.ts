// docker.swarm.init and leave themselves. useTestSwarm() makes the swarm the other swarm
// files use through raw calls; here the SDK makes one and leaves it: only when the engine is
// in no swarm, since a swarm this run did not make is never left.
import { afterAll, describe, expect, it } from 'vitest';
import { Docker } from '../src/index.js';

const docker = new Docker();
afterAll(() => docker.close());

describe('swarm init and leave', () => {
  it('init makes this engine a one-node swarm manager, leave({ force }) ends it; or, in a swarm already, init is refused', async () => {
    const state = (await docker.info()).Swarm?.LocalNodeState;
    if (state === 'active') {
      await expect(docker.swarm.init({ AdvertiseAddr: '127.0.0.1', ListenAddr: '127.0.0.1:2377' })).rejects.toThrow(/already part of a swarm/);
      return;
    }
    const nodeId = await docker.swarm.init({ AdvertiseAddr: '127.0.0.1', ListenAddr: '127.0.0.1:2377' });
    try {
      expect(nodeId).toMatch(/^[a-z0-9]{25}$/);
      const info = await docker.info();
      expect([info.Swarm?.LocalNodeState, info.Swarm?.NodeID, info.Swarm?.ControlAvailable]).toEqual(['active', nodeId, true]);
      expect((await docker.nodes.list()).map((n) => n.ID)).toEqual([nodeId]);
      // The last manager leaves only with force.
      await expect(docker.swarm.leave()).rejects.toThrow(/force/);
    } finally {
      await docker.swarm.leave({ force: true });
    }
    expect((await docker.info()).Swarm?.LocalNodeState).toBe('inactive');
  });
});
