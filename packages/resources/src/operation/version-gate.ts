import { BadRequestError, compareApiVersions } from '@dockyard/transport';

/** Options a caller set that need a newer engine: `[option name, API version it needs]`. */
export type VersionNeeds = ReadonlyArray<readonly [option: string, version: string]>;

/**
 * The options in `options` that are set (not `undefined`) and appear in `since`, paired with
 * the API version each needs. An operation lists them in its `needs`; the handler refuses
 * the call before sending when the negotiated version is older.
 *
 * @example
 * ```ts
 * needs(options, { platform: '1.46' });   // [['platform', '1.46']] when options.platform is set
 * ```
 */
export function needs(options: object, since: Readonly<Record<string, string>>): VersionNeeds {
  const out: Array<readonly [string, string]> = [];
  for (const option of Object.keys(since)) {
    if ((options as Record<string, unknown>)[option] !== undefined) out.push([option, since[option] as string]);
  }
  return out;
}

/** True when API version `version` is `min` or newer (numeric compare: 1.9 < 1.10). */
export function apiAtLeast(version: string | undefined, min: string): boolean {
  return version !== undefined && compareApiVersions(version, min) >= 0;
}

/**
 * The one version gate: throws `BadRequestError` naming the first option that needs a newer
 * API than `apiVersion`, and the version it needs. Nothing has been sent when it throws.
 */
export function assertVersion(apiVersion: string, required: VersionNeeds | undefined, request: string): void {
  if (required === undefined) return;
  for (const [option, version] of required) {
    if (!apiAtLeast(apiVersion, version)) {
      throw new BadRequestError(
        `The option \`${option}\` of ${request} needs API ${version} or newer; this engine speaks ${apiVersion}. Leave it unset, or use a newer engine.`,
      );
    }
  }
}
