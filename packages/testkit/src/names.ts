import { randomBytes } from 'node:crypto';

/**
 * A name no other test, test file or earlier run uses: `dockyard-<prefix>-<pid>-<random>`.
 * Lower case and short enough for container, volume, network and image names.
 */
export function uniqueName(prefix = 'test'): string {
  const safe = prefix.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
  return `dockyard-${safe}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
