import { DockerError } from '@dockyard/transport';
import type { PluginPrivilege } from '../generated/engine-api.js';

/** A plugin install or upgrade whose privileges `grant` refused (or that had no `grant`): nothing was installed. */
export class PluginPrivilegesRefusedError extends DockerError {
  /** This class's stable code. */
  static override readonly code: string = 'DOCKYARD_PLUGIN_PRIVILEGES_REFUSED';
  /** What the plugin asked for. */
  readonly privileges: readonly PluginPrivilege[];

  constructor(remote: string, privileges: readonly PluginPrivilege[], reason: string) {
    const asked = privileges.map((p) => `${p.Name ?? '?'}=${(p.Value ?? []).join(',')}`).join('; ');
    super(`Plugin ${remote} was not installed: ${reason}. It asks for: ${asked}.`);
    this.name = 'PluginPrivilegesRefusedError';
    this.privileges = privileges;
  }
}
