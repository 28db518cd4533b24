import type { ContainerSummary } from 'dockyard';
import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { filtersOf, formatOf } from '../format/key-values.js';
import { ago, ellipsis, shortId } from '../format/units.js';
import { renderTable } from '../terminal/table.js';
import { writeTo } from '../terminal/write.js';

interface PsOptions {
  all?: boolean;
  quiet?: boolean;
  trunc: boolean;
  filter?: string[];
  format?: string;
}

/** `dockyard ps`: a table as `docker ps` prints it, IDs only with -q, engine JSON with --format json. */
export default async function ps({ opts, globals }: CommandInput<PsOptions>): Promise<number> {
  const format = formatOf(opts.format);
  const docker = await connect(globals);
  const containers = await docker.containers.list({ all: opts.all === true, filters: filtersOf(opts.filter) });
  await docker.close();
  if (format === 'json') {
    await writeTo(process.stdout, containers.map((c) => `${JSON.stringify(c)}\n`).join(''));
  } else if (opts.quiet) {
    await writeTo(process.stdout, containers.map((c) => `${opts.trunc ? shortId(c.Id ?? '') : c.Id}\n`).join(''));
  } else {
    const rows = containers.map((c) => row(c, opts.trunc));
    await writeTo(process.stdout, renderTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows));
  }
  return 0;
}

function row(c: ContainerSummary, trunc: boolean): string[] {
  const command = c.Command ?? '';
  return [
    trunc ? shortId(c.Id ?? '') : (c.Id ?? ''),
    trunc && (c.Image ?? '').startsWith('sha256:') ? shortId(c.Image ?? '') : (c.Image ?? ''),
    JSON.stringify(trunc ? ellipsis(command, 20) : command),
    c.Created === undefined ? '' : ago(c.Created),
    c.Status ?? '',
    ports(c),
    (c.Names ?? []).map((n) => n.replace(/^\//, '')).filter((n) => !n.includes('/')).join(','),
  ];
}

function ports(c: ContainerSummary): string {
  return (c.Ports ?? [])
    .map((p) => (p.PublicPort ? `${p.IP ?? ''}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`))
    .join(', ');
}
