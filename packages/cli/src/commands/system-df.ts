import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { formatOf } from '../format/key-values.js';
import { humanSize } from '../format/units.js';
import { renderTable } from '../terminal/table.js';
import { writeTo } from '../terminal/write.js';

/** `dockyard system df`: disk use by images, containers, volumes and build cache, as `docker system df` sums it. */
export default async function systemDf({ opts, globals }: CommandInput<{ format?: string }>): Promise<number> {
  const format = formatOf(opts.format);
  const docker = await connect(globals);
  const df = await docker.df();
  await docker.close();
  if (format === 'json') {
    await writeTo(process.stdout, `${JSON.stringify(df)}\n`);
    return 0;
  }
  const images = df.Images ?? [];
  const containers = df.Containers ?? [];
  const volumes = df.Volumes ?? [];
  const cache = df.BuildCache ?? [];
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

  const layers = df.LayersSize ?? 0;
  const imagesInUse = sum(images.filter((i) => i.Containers > 0 && i.Size >= 0 && i.SharedSize >= 0).map((i) => i.Size - i.SharedSize));
  const containersSize = sum(containers.map((c) => c.SizeRw ?? 0));
  const volumeSize = (v: (typeof volumes)[number]) => Math.max(0, v.UsageData?.Size ?? 0);
  const cacheSize = sum(cache.map((b) => b.Size ?? 0));
  const rows = [
    ['Images', images.length, images.filter((i) => i.Containers > 0).length, layers, layers - imagesInUse],
    [
      'Containers',
      containers.length,
      containers.filter((c) => c.State === 'running').length,
      containersSize,
      sum(containers.filter((c) => c.State !== 'running').map((c) => c.SizeRw ?? 0)),
    ],
    [
      'Local Volumes',
      volumes.length,
      volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
      sum(volumes.map(volumeSize)),
      sum(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).map(volumeSize)),
    ],
    ['Build Cache', cache.length, cache.filter((b) => b.InUse).length, cacheSize, sum(cache.filter((b) => !b.InUse && !b.Shared).map((b) => b.Size ?? 0))],
  ] as const;
  const table = rows.map(([type, total, active, size, reclaimable]) => [
    type,
    String(total),
    String(active),
    humanSize(size),
    size > 0 ? `${humanSize(reclaimable)} (${Math.floor((reclaimable / size) * 100)}%)` : humanSize(reclaimable),
  ]);
  await writeTo(process.stdout, renderTable(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], table));
  return 0;
}
