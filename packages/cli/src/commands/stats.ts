import type { ContainerStatsResponse, Docker } from 'dockyard';
import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { formatOf } from '../format/key-values.js';
import { bytesSize, humanSize, shortId } from '../format/units.js';
import { renderTable } from '../terminal/table.js';
import { writeTo } from '../terminal/write.js';

interface StatsOptions {
  all?: boolean;
  stream: boolean;
  format?: string;
}

interface Row {
  id: string;
  name: string;
  sample?: ContainerStatsResponse;
}

const HEAD = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'];
const REFRESH_MS = 500;

/**
 * `dockyard stats [CONTAINER...]`: a live table redrawn in place on a terminal (one table per
 * refresh otherwise), until Ctrl-C. Without names it follows containers as they start and stop.
 */
export default async function stats({ args, opts, globals }: CommandInput<StatsOptions>): Promise<number> {
  const format = formatOf(opts.format);
  const names = args[0] as string[];
  const docker = await connect(globals);
  const rows = new Map<string, Row>();
  for (const row of await initialRows(docker, names, opts.all === true)) rows.set(row.id, row);

  if (!opts.stream) {
    await Promise.all([...rows.values()].map(async (row) => (row.sample = await docker.containers.get(row.id).statsOnce())));
    await writeTo(process.stdout, format === 'json' ? samplesAsJson(rows) : renderTable(HEAD, [...rows.values()].map(cells)));
    await docker.close();
    return 0;
  }

  const controller = new AbortController();
  const { signal } = controller;
  process.on('SIGINT', () => controller.abort()); // `on`, not `once`: a second Ctrl-C must not kill mid-cleanup
  let dirty = true;
  const follow = (row: Row) => {
    rows.set(row.id, row);
    void (async () => {
      try {
        for await (const sample of docker.containers.get(row.id).stats({ signal })) {
          row.sample = sample;
          dirty = true;
          if (format === 'json') await writeTo(process.stdout, `${JSON.stringify(sample)}\n`);
        }
      } catch {}
      // Its stream ends when it stops: the row goes, as in `docker stats`, unless -a keeps it.
      if (!opts.all && !signal.aborted) {
        rows.delete(row.id);
        dirty = true;
      }
    })();
  };
  for (const row of [...rows.values()]) follow(row);
  if (names.length === 0) void followStarts(docker, signal, (row) => !rows.has(row.id) && follow(row));

  if (format === 'json') {
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  } else {
    const live = process.stdout.isTTY ? (await import('log-update')).createLogUpdate(process.stdout) : undefined;
    const draw = () => {
      if (!dirty) return;
      dirty = false;
      const table = renderTable(HEAD, [...rows.values()].map(cells));
      if (live) live(table.trimEnd());
      else process.stdout.write(`${table}\n`);
    };
    draw();
    const timer = setInterval(draw, REFRESH_MS);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    clearInterval(timer);
    live?.done();
  }
  await docker.close();
  return 0;
}

async function initialRows(docker: Docker, names: string[], all: boolean): Promise<Row[]> {
  if (names.length > 0) {
    return Promise.all(
      names.map(async (name) => {
        const info = await docker.containers.get(name).inspect();
        return { id: info.Id ?? name, name: (info.Name ?? name).replace(/^\//, '') };
      }),
    );
  }
  const list = await docker.containers.list({ all });
  return list.map((c) => ({ id: c.Id ?? '', name: (c.Names?.[0] ?? '').replace(/^\//, '') }));
}

async function followStarts(docker: Docker, signal: AbortSignal, add: (row: Row) => void): Promise<void> {
  try {
    for await (const event of docker.events({ filters: { type: ['container'], event: ['start'] }, signal })) {
      const id = event.Actor?.ID;
      if (id) add({ id, name: event.Actor?.Attributes?.name ?? shortId(id) });
    }
  } catch {}
}

function samplesAsJson(rows: Map<string, Row>): string {
  return [...rows.values()].map((row) => `${JSON.stringify(row.sample)}\n`).join('');
}

/** One table row, computed as the docker CLI computes it. */
function cells(row: Row): string[] {
  const s = row.sample;
  if (!s) return [shortId(row.id), row.name, '--', '-- / --', '--', '--', '--', '--'];
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;

  const memory = s.memory_stats ?? {};
  const memStats = memory.stats ?? {};
  // Page cache that can be reclaimed does not count (cgroup v1: total_inactive_file, v2: inactive_file).
  const inactive = memStats.total_inactive_file ?? memStats.inactive_file ?? 0;
  const usage = Math.max(0, (memory.usage ?? 0) - (inactive < (memory.usage ?? 0) ? inactive : 0));
  const limit = memory.limit ?? 0;

  let rx = 0;
  let tx = 0;
  for (const net of Object.values(s.networks ?? {})) {
    rx += net?.rx_bytes ?? 0;
    tx += net?.tx_bytes ?? 0;
  }
  let read = 0;
  let write = 0;
  for (const entry of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (entry?.op ?? '').toLowerCase();
    if (op === 'read') read += entry?.value ?? 0;
    if (op === 'write') write += entry?.value ?? 0;
  }
  return [
    shortId(row.id),
    (s.name ?? row.name).replace(/^\//, ''),
    `${cpuPercent.toFixed(2)}%`,
    `${bytesSize(usage)} / ${bytesSize(limit)}`,
    `${limit > 0 ? ((usage / limit) * 100).toFixed(2) : '0.00'}%`,
    `${humanSize(rx)} / ${humanSize(tx)}`,
    `${humanSize(read)} / ${humanSize(write)}`,
    String(s.pids_stats?.current ?? 0),
  ];
}
