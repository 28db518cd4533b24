// Follows the logs of every container in $CONTAINERS (comma-separated) $PER times each, all at
// once, for $HOLD seconds, then ends them all with one AbortSignal. Prints JSON: streams that
// delivered data, bytes, ms from abort() until every loop had ended, peak RSS sampled.
// Diagnostics: SHOW_MEMORY=1 prints process.memoryUsage() before the abort; HEAP_SNAPSHOT=<file>
// writes a heap snapshot there.
import { performance } from 'node:perf_hooks';

const { Docker, AbortError } = await import('dockyard');
const docker = new Docker({ apiVersion: '1.41' });
const ids = process.env.CONTAINERS.split(',');
const PER = Number(process.env.PER);
const HOLD = Number(process.env.HOLD);
const controller = new AbortController();
let bytes = 0;
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 250);
let abortedAt = 0;
// One handle per container, as an application holds it: on API 1.41 the handle inspects its
// container once (Config.Tty decides the framing), not once per stream.
const follow = async (container) => {
  let got = 0;
  try {
    // tail: 0, so each stream carries only what the container writes while it is held.
    for await (const { data } of container.logs({ follow: true, tail: 0, signal: controller.signal })) {
      got += data.length;
    }
    return { got, ok: false, endedAt: performance.now() };
  } catch (err) {
    return { got, ok: err instanceof AbortError, endedAt: performance.now(), err: err instanceof AbortError ? undefined : String(err) };
  } finally {
    bytes += got;
  }
};
const loops = ids.flatMap((id) => {
  const container = docker.containers.get(id);
  return Array.from({ length: PER }, () => follow(container));
});
await new Promise((resolve) => setTimeout(resolve, HOLD * 1000));
if (process.env.SHOW_MEMORY) console.error(JSON.stringify(process.memoryUsage()));
if (process.env.HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
abortedAt = performance.now();
controller.abort();
const results = await Promise.all(loops);
const allEnded = performance.now() - abortedAt;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await docker.close();
console.log(
  JSON.stringify({
    streams: results.length,
    withData: results.filter((r) => r.got > 0).length,
    endedByAbort: results.filter((r) => r.ok).length,
    otherErrors: [...new Set(results.filter((r) => r.err).map((r) => r.err))].slice(0, 3),
    bytes,
    allEndedMs: Math.round(allEnded),
    lastEndedMs: Math.round(Math.max(...results.map((r) => r.endedAt)) - abortedAt),
    peakRssMiB: Math.round(peakRss / 1048576),
  }),
);
