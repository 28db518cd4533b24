import type { Task } from 'dockyard';
import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { filtersOf, formatOf } from '../format/key-values.js';
import { ago, ellipsis, shortId } from '../format/units.js';
import { renderTable } from '../terminal/table.js';
import { writeTo } from '../terminal/write.js';

interface ServicePsOptions {
  quiet?: boolean;
  trunc: boolean;
  filter?: string[];
  format?: string;
}

type EngineTask = Awaited<ReturnType<Task['inspect']>>;

/** `dockyard service ps SERVICE`: the service's tasks, as `docker service ps` lists them. */
export default async function servicePs({ args, opts, globals }: CommandInput<ServicePsOptions>): Promise<number> {
  const format = formatOf(opts.format);
  const docker = await connect(globals);
  const service = await docker.services.get(String(args[0])).inspect();
  const tasks = await docker.tasks.list({ filters: { ...filtersOf(opts.filter), service: [service.ID ?? String(args[0])] } });
  const serviceName = service.Spec?.Name ?? String(args[0]);
  tasks.sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0) || String(b.Status?.Timestamp ?? '').localeCompare(String(a.Status?.Timestamp ?? '')));
  if (format === 'json') {
    await docker.close();
    await writeTo(process.stdout, tasks.map((t) => `${JSON.stringify(t)}\n`).join(''));
    return 0;
  }
  if (opts.quiet) {
    await docker.close();
    await writeTo(process.stdout, tasks.map((t) => `${opts.trunc ? shortId(t.ID ?? '') : t.ID}\n`).join(''));
    return 0;
  }
  const nodes = new Map((await docker.nodes.list()).map((n) => [n.ID ?? '', n.Description?.Hostname ?? n.ID ?? '']));
  await docker.close();
  const seen = new Set<string>();
  const rows = tasks.map((t) => {
    const name = t.Slot ? `${serviceName}.${t.Slot}` : `${serviceName}.${t.NodeID ?? ''}`;
    // Older tasks of the same slot are shown under the newest one, as docker does.
    const shown = seen.has(name) ? ` \\_ ${name}` : name;
    seen.add(name);
    return row(t, shown, nodes, opts.trunc);
  });
  await writeTo(process.stdout, renderTable(['ID', 'NAME', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR', 'PORTS'], rows));
  return 0;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function row(t: EngineTask, name: string, nodes: Map<string, string>, trunc: boolean): string[] {
  const image = t.Spec?.ContainerSpec?.Image ?? '';
  const state = t.Status?.State ?? '';
  const since = t.Status?.Timestamp ? ago(Date.parse(t.Status.Timestamp) / 1000) : '';
  const err = t.Status?.Err ?? '';
  return [
    trunc ? shortId(t.ID ?? '') : (t.ID ?? ''),
    name,
    trunc ? image.replace(/@sha256:[0-9a-f]+$/, '') : image,
    nodes.get(t.NodeID ?? '') ?? t.NodeID ?? '',
    capitalize(t.DesiredState ?? ''),
    `${capitalize(state)} ${since}`.trim(),
    err ? JSON.stringify(trunc ? ellipsis(err, 30) : err) : '',
    (t.Status?.PortStatus?.Ports ?? []).map((p) => `*:${p.PublishedPort}->${p.TargetPort}/${p.Protocol}`).join(', '),
  ];
}
