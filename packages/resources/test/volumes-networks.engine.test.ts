import { afterAll, describe, expect, it } from 'vitest';
import { testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { ConflictError, Docker, DockerError, NotFoundError } from '../src/index.js';
import { createContainer, startContainer } from './support/engine.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

describe('volumes against the engine', () => {
  it('create, inspect, list by label, mount, remove, prune', async () => {
    const name = resources.volume(uniqueName('vol'));
    const marker = uniqueName('mark');
    const v = await docker.volumes.create({ Name: name, Labels: { ...testLabels(), 'dockyard.mark': marker } });
    expect(v.name).toBe(name);
    expect(v.warnings).toEqual([]);
    expect((await docker.volumes.get(name).inspect()).Labels?.['dockyard.mark']).toBe(marker);
    const listed = await docker.volumes.list({ filters: { label: [`dockyard.mark=${marker}`] } });
    expect(listed.map((x) => x.Name)).toEqual([name]);

    const writer = await createContainer(docker, resources, { Cmd: ['sh', '-c', 'echo kept > /data/f'], HostConfig: { Binds: [`${name}:/data`] } });
    await writer.start();
    await writer.wait();
    const reader = await docker.run('dockyard-test/busybox:latest', ['cat', '/data/f'], { remove: true, config: { HostConfig: { Binds: [`${name}:/data`] }, Labels: testLabels() } });
    expect(reader.stdout).toBe('kept\n');

    await expect(docker.volumes.get(name).remove()).rejects.toBeInstanceOf(ConflictError);
    await writer.remove();
    await docker.volumes.get(name).remove();
    await expect(docker.volumes.get(name).inspect()).rejects.toBeInstanceOf(NotFoundError);

    const unused = resources.volume(uniqueName('prune'));
    await docker.volumes.create({ Name: unused, Labels: { ...testLabels(), 'dockyard.mark': marker } });
    const pruned = await docker.volumes.prune({ filters: { label: [`dockyard.mark=${marker}`] } });
    expect(pruned.VolumesDeleted).toEqual([unused]);
  });
});

describe('networks against the engine', () => {
  it('create with a subnet, connect with alias and static IP, reach by alias, disconnect, remove', async () => {
    const name = uniqueName('net');
    const net = await docker.networks.create({
      Name: name,
      Labels: testLabels(),
      IPAM: { Config: [{ Subnet: '10.213.0.0/24' }] },
    });
    resources.network(net.id);
    expect((await net.inspect()).Name).toBe(name);
    expect((await docker.networks.list({ filters: { name: [name] } })).map((n) => n.Id)).toContain(net.id);

    const server = await startContainer(docker, resources);
    await net.connect(server.id, { aliases: ['dockyard-db'], ipv4Address: '10.213.0.42' });
    const endpoint = (await server.inspect()).NetworkSettings?.Networks?.[name];
    expect(endpoint?.IPAddress).toBe('10.213.0.42');
    expect(endpoint?.Aliases).toContain('dockyard-db');

    const client = await startContainer(docker, resources);
    await docker.networks.get(name).connect(client.id);
    const ping = await client.exec(['ping', '-c1', '-W2', 'dockyard-db']).output();
    expect(ping.exitCode).toBe(0);
    expect(ping.stdout).toContain('10.213.0.42');

    await net.disconnect(client.id);
    expect((await client.inspect()).NetworkSettings?.Networks?.[name]).toBeUndefined();
    // Engine 20.10 answers 403 for a network with active endpoints (newer ones 409).
    const inUse = await net.remove().catch((e: unknown) => e);
    expect(inUse).toBeInstanceOf(DockerError);
    expect((inUse as Error).message).toMatch(/active endpoints/);
    await net.disconnect(server.id, { force: true });
    await net.remove();
    await expect(net.inspect()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('prune removes unused networks matching a label', async () => {
    const marker = uniqueName('mark');
    const net = await docker.networks.create({ Name: uniqueName('pnet'), Labels: { ...testLabels(), 'dockyard.mark': marker } });
    resources.network(net.id);
    const pruned = await docker.networks.prune({ filters: { label: [`dockyard.mark=${marker}`] } });
    expect(pruned.NetworksDeleted).toHaveLength(1);
  });
});
