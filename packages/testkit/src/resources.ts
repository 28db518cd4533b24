import { afterAll } from 'vitest';
import { closeEngineClient, engineCall } from './engine-client.js';

type Kind = 'container' | 'network' | 'volume' | 'image';

/** What {@link trackResources} returns: register what a test creates; it is removed later. */
export interface ResourceTracker {
  container(idOrName: string): string;
  network(idOrName: string): string;
  volume(name: string): string;
  image(ref: string): string;
  /** Any other cleanup step; runs before the engine resources are removed, last added first. */
  defer(fn: () => unknown): void;
  /** Removes everything registered so far (also runs by itself after the test file). */
  cleanup(): Promise<void>;
}

const REMOVE: Record<Kind, (id: string) => string> = {
  container: (id) => `/containers/${encodeURIComponent(id)}?force=1&v=1`,
  network: (id) => `/networks/${encodeURIComponent(id)}`,
  volume: (id) => `/volumes/${encodeURIComponent(id)}?force=1`,
  image: (id) => `/images/${encodeURIComponent(id)}?force=1`,
};
// Containers hold networks, volumes and images: they go first.
const ORDER: Kind[] = ['container', 'network', 'volume', 'image'];

/** Removes one resource; a 409 (e.g. removal already in progress) is retried for a while. */
async function removeOne(kind: Kind, id: string): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    const res = await engineCall('DELETE', REMOVE[kind](id));
    if (res.status < 400 || res.status === 404) return undefined;
    if (res.status !== 409 || attempt === 20) return `${kind} ${id}: ${res.status} ${res.body}`;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A registry of what one test file creates, removed after the file (pass or fail) through
 * the raw socket, so cleanup works even when the SDK under test is broken. Call it once at
 * the top of a test file.
 */
export function trackResources(): ResourceTracker {
  const items: Record<Kind, string[]> = { container: [], network: [], volume: [], image: [] };
  const deferred: Array<() => unknown> = [];
  const add = (kind: Kind) => (id: string) => {
    items[kind].push(id);
    return id;
  };
  const tracker: ResourceTracker = {
    container: add('container'),
    network: add('network'),
    volume: add('volume'),
    image: add('image'),
    defer: (fn) => void deferred.push(fn),
    async cleanup() {
      const failures: string[] = [];
      for (const fn of deferred.splice(0).reverse()) {
        try {
          await fn();
        } catch (err) {
          failures.push(`deferred cleanup: ${String(err)}`);
        }
      }
      for (const kind of ORDER) {
        for (const id of items[kind].splice(0)) {
          const failure = await removeOne(kind, id);
          if (failure) failures.push(failure);
        }
      }
      if (failures.length) throw new Error(`cleanup left resources behind:\n${failures.join('\n')}`);
    },
  };
  afterAll(async () => {
    try {
      await tracker.cleanup();
    } finally {
      await closeEngineClient();
    }
  });
  return tracker;
}
