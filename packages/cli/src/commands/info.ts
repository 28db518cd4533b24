import type { CommandInput } from '../command.js';
import { connect } from '../engine.js';
import { formatOf } from '../format/key-values.js';
import { bytesSize } from '../format/units.js';
import { writeTo } from '../terminal/write.js';

/** `dockyard info`: the engine's `GET /info`, the fields `docker info` leads with (engine JSON with --format json). */
export default async function info({ opts, globals }: CommandInput<{ format?: string }>): Promise<number> {
  const format = formatOf(opts.format);
  const docker = await connect(globals);
  const i = await docker.info();
  await docker.close();
  if (format === 'json') {
    await writeTo(process.stdout, `${JSON.stringify(i)}\n`);
    return 0;
  }
  const list = (items: string[] | undefined | null) => (items ?? []).map((x) => `  ${x}`);
  const lines = [
    `Containers: ${i.Containers ?? 0}`,
    ` Running: ${i.ContainersRunning ?? 0}`,
    ` Paused: ${i.ContainersPaused ?? 0}`,
    ` Stopped: ${i.ContainersStopped ?? 0}`,
    `Images: ${i.Images ?? 0}`,
    `Server Version: ${i.ServerVersion ?? ''}`,
    `Storage Driver: ${i.Driver ?? ''}`,
    `Logging Driver: ${i.LoggingDriver ?? ''}`,
    `Cgroup Driver: ${i.CgroupDriver ?? ''}`,
    `Cgroup Version: ${i.CgroupVersion ?? ''}`,
    `Swarm: ${i.Swarm?.LocalNodeState ?? 'inactive'}`,
    `Runtimes: ${Object.keys(i.Runtimes ?? {}).join(' ')}`,
    `Default Runtime: ${i.DefaultRuntime ?? ''}`,
    `Security Options: ${(i.SecurityOptions ?? []).join(' ')}`,
    `Kernel Version: ${i.KernelVersion ?? ''}`,
    `Operating System: ${i.OperatingSystem ?? ''}`,
    `OSType: ${i.OSType ?? ''}`,
    `Architecture: ${i.Architecture ?? ''}`,
    `CPUs: ${i.NCPU ?? ''}`,
    `Total Memory: ${bytesSize(i.MemTotal ?? 0)}`,
    `Name: ${i.Name ?? ''}`,
    `ID: ${i.ID ?? ''}`,
    `Docker Root Dir: ${i.DockerRootDir ?? ''}`,
    `Debug Mode: ${i.Debug === true}`,
    `Experimental: ${i.ExperimentalBuild === true}`,
    ...(i.Labels?.length ? ['Labels:', ...list(i.Labels)] : []),
    'Insecure Registries:',
    ...list(i.RegistryConfig?.InsecureRegistryCIDRs),
    `Live Restore Enabled: ${i.LiveRestoreEnabled === true}`,
    ...(i.Warnings ?? []),
  ];
  await writeTo(process.stdout, `${lines.join('\n')}\n`);
  return 0;
}
