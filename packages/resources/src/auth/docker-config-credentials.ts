import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { dockerConfigDir } from '@dockyard/transport';
import { helperGet, helperList } from './credential-helper.js';
import { normalizeRegistry } from './registry-host.js';
import type { RegistryAuth } from './registry-auth.js';

/** Where to read the docker CLI's config from (defaults: the process's env and home). */
export interface CredentialStoreOptions {
  /** The configuration directory itself; beats `env` and `homeDir` (a client passes the one it was made with). */
  configDir?: string;
  /** Environment whose `DOCKER_CONFIG` names the directory; default `process.env`, read at each call. */
  env?: Record<string, string | undefined>;
  /** Home directory for `~/.docker`; default `os.homedir()`. */
  homeDir?: string;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string; email?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

async function readConfig(options: CredentialStoreOptions): Promise<ConfigFile> {
  const dir = options.configDir ?? dockerConfigDir(options.env ?? process.env, options.homeDir ?? homedir());
  let text: string;
  try {
    text = await readFile(join(dir, 'config.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as ConfigFile;
  } catch {
    // The CLI warns and goes on without the file; so do we (no credentials from it).
    return {};
  }
}

/** `auths[key]` as RegistryAuth: the base64 `user:password` in `auth`, or the separate fields. */
function fromAuthsEntry(key: string, entry: NonNullable<ConfigFile['auths']>[string]): RegistryAuth | undefined {
  const auth: RegistryAuth = { serveraddress: key };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    auth.username = decoded.slice(0, colon);
    auth.password = decoded.slice(colon + 1);
  } else if (entry.username !== undefined) {
    auth.username = entry.username;
    auth.password = entry.password;
  }
  if (entry.identitytoken) auth.identitytoken = entry.identitytoken;
  if (entry.registrytoken) auth.registrytoken = entry.registrytoken;
  return auth.username !== undefined || auth.identitytoken || auth.registrytoken ? auth : undefined;
}

function findAuthsKey(config: ConfigFile, registry: string): string | undefined {
  const wanted = normalizeRegistry(registry);
  return Object.keys(config.auths ?? {}).find((key) => normalizeRegistry(key) === wanted);
}

function findHelper(config: ConfigFile, registry: string): string | undefined {
  const wanted = normalizeRegistry(registry);
  const key = Object.keys(config.credHelpers ?? {}).find((k) => normalizeRegistry(k) === wanted);
  return key === undefined ? undefined : config.credHelpers?.[key];
}

/**
 * Credentials for one registry, as the docker CLI finds them: the registry's entry in
 * `credHelpers`, else `credsStore`, else `auths`. Undefined when there are none.
 */
export async function credentialsFor(registry: string, options: CredentialStoreOptions = {}): Promise<RegistryAuth | undefined> {
  const config = await readConfig(options);
  const helper = findHelper(config, registry) ?? config.credsStore;
  const authsKey = findAuthsKey(config, registry);
  if (helper) {
    const serverUrl = authsKey ?? normalizeRegistry(registry);
    const fromHelper = await helperGet(helper, serverUrl);
    if (fromHelper) return fromHelper;
  }
  const entry = authsKey === undefined ? undefined : config.auths?.[authsKey];
  return entry ? fromAuthsEntry(authsKey as string, entry) : undefined;
}

/** Credentials for every registry config.json knows, keyed by registry, for `X-Registry-Config`. */
export async function allCredentials(options: CredentialStoreOptions = {}): Promise<Record<string, RegistryAuth>> {
  const config = await readConfig(options);
  const result: Record<string, RegistryAuth> = {};
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const auth = fromAuthsEntry(key, entry);
    if (auth) result[key] = auth;
  }
  const viaHelpers: Array<[string, string]> = Object.entries(config.credHelpers ?? {}).map(([registry, helper]) => [registry, helper]);
  if (config.credsStore) {
    for (const server of await helperList(config.credsStore)) viaHelpers.push([server, config.credsStore]);
    for (const key of Object.keys(config.auths ?? {})) viaHelpers.push([key, config.credsStore]);
  }
  for (const [registry, helper] of viaHelpers) {
    const auth = await helperGet(helper, registry);
    if (auth) result[registry] = auth;
  }
  return result;
}
