import { readFileSync } from 'node:fs';
import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { formatOf } from '../format/key-values.js';
import { writeTo } from '../terminal/write.js';

/** `dockyard version`: this client, and the engine's `GET /version` (engine JSON with --format json). */
export default async function version({ opts, globals }: CommandInput<{ format?: string }>): Promise<number> {
  const format = formatOf(opts.format);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const docker = await connect(globals);
  const server = await docker.version();
  const client = {
    Version: pkg.version,
    ApiVersion: docker.apiVersion,
    NodeVersion: process.version,
    Os: process.platform,
    Arch: process.arch,
  };
  await docker.close();
  if (format === 'json') {
    await writeTo(process.stdout, `${JSON.stringify({ Client: client, Server: server })}\n`);
    return 0;
  }
  const lines = [
    'Client: dockyard',
    ` Version:           ${client.Version}`,
    ` API version:       ${client.ApiVersion ?? ''} (negotiated)`,
    ` Node version:      ${client.NodeVersion}`,
    ` OS/Arch:           ${client.Os}/${client.Arch}`,
    '',
    `Server: ${server.Platform?.Name ?? ''}`.trimEnd(),
    ' Engine:',
    `  Version:          ${server.Version ?? ''}`,
    `  API version:      ${server.ApiVersion ?? ''} (minimum version ${server.MinAPIVersion ?? ''})`,
    `  Go version:       ${server.GoVersion ?? ''}`,
    `  Git commit:       ${server.GitCommit ?? ''}`,
    `  Built:            ${server.BuildTime ?? ''}`,
    `  OS/Arch:          ${server.Os ?? ''}/${server.Arch ?? ''}`,
    `  Experimental:     ${server.Experimental === true}`,
    ...(server.Components ?? [])
      .filter((c) => c.Name !== 'Engine')
      .flatMap((c) => [` ${c.Name}:`, `  Version:          ${c.Version}`]),
  ];
  await writeTo(process.stdout, `${lines.join('\n')}\n`);
  return 0;
}
