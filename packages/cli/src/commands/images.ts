import type { ImageSummary } from 'dockyard';
import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { filtersOf, formatOf } from '../format/key-values.js';
import { ago, humanSize, shortId } from '../format/units.js';
import { renderTable } from '../terminal/table.js';
import { writeTo } from '../terminal/write.js';

interface ImagesOptions {
  all?: boolean;
  quiet?: boolean;
  filter?: string[];
  format?: string;
}

/** `dockyard images`: one row per tag, as `docker images` prints them. */
export default async function images({ opts, globals }: CommandInput<ImagesOptions>): Promise<number> {
  const format = formatOf(opts.format);
  const docker = await connect(globals);
  const list = await docker.images.list({ all: opts.all === true, filters: filtersOf(opts.filter) });
  await docker.close();
  if (format === 'json') await writeTo(process.stdout, list.map((i) => `${JSON.stringify(i)}\n`).join(''));
  else if (opts.quiet) await writeTo(process.stdout, [...new Set(list.map((i) => shortId(i.Id)))].map((id) => `${id}\n`).join(''));
  else await writeTo(process.stdout, renderTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], list.flatMap(rows)));
  return 0;
}

function rows(image: ImageSummary): string[][] {
  const tail = [shortId(image.Id), ago(image.Created), humanSize(image.Size)];
  const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  if (tags.length === 0) {
    const repo = (image.RepoDigests ?? [])[0]?.split('@')[0] ?? '<none>';
    return [[repo, '<none>', ...tail]];
  }
  return tags.map((tag) => {
    const colon = tag.lastIndexOf(':');
    return [tag.slice(0, colon), tag.slice(colon + 1), ...tail];
  });
}
