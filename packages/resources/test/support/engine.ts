import { readdirSync, readlinkSync } from 'node:fs';
import { TEST_IMAGE, type ResourceTracker, testLabels, uniqueName } from '@dockyard/testkit';
import type { Container, ContainerCreateBody, Docker } from '../../src/index.js';

/** A shell loop that exits at once on SIGTERM (PID 1 gets no default signal handlers). */
export const IDLE = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"];

/** Creates a container from the test image, labelled and tracked for cleanup. */
export async function createContainer(
  docker: Docker,
  resources: ResourceTracker,
  config: Partial<ContainerCreateBody> = {},
  prefix = 'c',
): Promise<Container> {
  const name = uniqueName(prefix);
  resources.container(name);
  return docker.containers.create({ Image: TEST_IMAGE, Cmd: IDLE, ...config, Labels: { ...testLabels(), ...config.Labels } }, { name });
}

/** Creates and starts a container. */
export async function startContainer(docker: Docker, resources: ResourceTracker, config: Partial<ContainerCreateBody> = {}, prefix = 'c') {
  const c = await createContainer(docker, resources, config, prefix);
  await c.start();
  return c;
}

/** The number of sockets this process holds open (unix and TCP), from /proc/self/fd. */
export function openSocketCount(): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) count++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return count;
}

/** Collects an async iterable of bytes into one Buffer. */
export async function collectBytes(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}
