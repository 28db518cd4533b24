import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_IMAGE, type ResourceTracker, testLabels, uniqueName } from '@dockyard/testkit';
import type { Container, ContainerCreateBody, Docker } from 'dockyard';

/** Creates a container from the test image, labelled and tracked for cleanup. */
export async function createContainer(docker: Docker, resources: ResourceTracker, config: Partial<ContainerCreateBody>, prefix = 'ship'): Promise<Container> {
  const name = uniqueName(prefix);
  resources.container(name);
  return docker.containers.create({ Image: TEST_IMAGE, ...config, Labels: { ...testLabels(), ...config.Labels } }, { name });
}

/**
 * `docker logs --timestamps` of one stream, as [time, text] pairs (short lines only). Podman
 * sends a line its conmon read in pieces as several messages, each with its own stamp and only
 * the last with `\n`: the stamps inside a line are taken out, the line keeps its first.
 */
export async function cliLogs(id: string, stream: 'stdout' | 'stderr'): Promise<Array<[string, string]>> {
  const { stdout, stderr } = await promisify(execFile)('docker', ['logs', '--timestamps', id], { maxBuffer: 64 * 1024 * 1024 });
  const text = stream === 'stdout' ? stdout : stderr;
  return text.split('\n').filter((l) => l !== '').map((l) => {
    const space = l.indexOf(' ');
    return [l.slice(0, space), l.slice(space + 1).replace(PIECE_STAMP, '')];
  });
}

/** A sh loop that exits at once on SIGTERM. */
export const IDLE = "trap 'exit 0' TERM; sleep 3600 & wait";

/** The stamp in front of each later piece of a line (Podman: whole seconds, or with a fraction). */
const PIECE_STAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) /g;
