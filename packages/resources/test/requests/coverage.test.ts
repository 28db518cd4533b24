// Every operation the package sends has a request-table row: each `METHOD /path` a method's
// TSDoc names must be an operation below, and each operation below must have a row (its
// operationId quoted in a test/requests file).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The Engine API operations this package implements, by operationId. */
const OPERATIONS: Record<string, string> = {
  ContainerCreate: 'POST /containers/create',
  ContainerList: 'GET /containers/json',
  ContainerPrune: 'POST /containers/prune',
  ContainerInspect: 'GET /containers/{id}/json',
  ContainerStart: 'POST /containers/{id}/start',
  ContainerStop: 'POST /containers/{id}/stop',
  ContainerRestart: 'POST /containers/{id}/restart',
  ContainerKill: 'POST /containers/{id}/kill',
  ContainerPause: 'POST /containers/{id}/pause',
  ContainerUnpause: 'POST /containers/{id}/unpause',
  ContainerRename: 'POST /containers/{id}/rename',
  ContainerUpdate: 'POST /containers/{id}/update',
  ContainerWait: 'POST /containers/{id}/wait',
  ContainerDelete: 'DELETE /containers/{id}',
  ContainerTop: 'GET /containers/{id}/top',
  ContainerChanges: 'GET /containers/{id}/changes',
  ContainerExport: 'GET /containers/{id}/export',
  ContainerResize: 'POST /containers/{id}/resize',
  ContainerLogs: 'GET /containers/{id}/logs',
  ContainerAttach: 'POST /containers/{id}/attach',
  ContainerStats: 'GET /containers/{id}/stats',
  ContainerArchive: 'GET /containers/{id}/archive',
  ContainerArchiveInfo: 'HEAD /containers/{id}/archive',
  PutContainerArchive: 'PUT /containers/{id}/archive',
  ContainerExec: 'POST /containers/{id}/exec',
  ExecStart: 'POST /exec/{id}/start',
  ExecResize: 'POST /exec/{id}/resize',
  ExecInspect: 'GET /exec/{id}/json',
  ImageCreate: 'POST /images/create',
  ImagePush: 'POST /images/{name}/push',
  ImageBuild: 'POST /build',
  ImageGetAll: 'GET /images/get',
  ImageGet: 'GET /images/{name}/get',
  ImageLoad: 'POST /images/load',
  ImageSearch: 'GET /images/search',
  ImageList: 'GET /images/json',
  ImagePrune: 'POST /images/prune',
  ImageInspect: 'GET /images/{name}/json',
  ImageHistory: 'GET /images/{name}/history',
  ImageAttestations: 'GET /images/{name}/attestations',
  ImageTag: 'POST /images/{name}/tag',
  ImageDelete: 'DELETE /images/{name}',
  NetworkCreate: 'POST /networks/create',
  NetworkList: 'GET /networks',
  NetworkPrune: 'POST /networks/prune',
  NetworkInspect: 'GET /networks/{id}',
  NetworkDelete: 'DELETE /networks/{id}',
  NetworkConnect: 'POST /networks/{id}/connect',
  NetworkDisconnect: 'POST /networks/{id}/disconnect',
  VolumeCreate: 'POST /volumes/create',
  VolumeList: 'GET /volumes',
  VolumePrune: 'POST /volumes/prune',
  VolumeInspect: 'GET /volumes/{name}',
  VolumeDelete: 'DELETE /volumes/{name}',
  VolumeUpdate: 'PUT /volumes/{name}',
  SystemPing: 'GET /_ping',
  SystemVersion: 'GET /version',
  SystemInfo: 'GET /info',
  SystemDataUsage: 'GET /system/df',
  SystemEvents: 'GET /events',
  // Swarm mode, plugins and the rest of the engine (issue 11).
  ContainerAttachWebsocket: 'GET /containers/{id}/attach/ws',
  BuildPrune: 'POST /build/prune',
  SystemAuth: 'POST /auth',
  SystemPingHead: 'HEAD /_ping',
  ImageCommit: 'POST /commit',
  PluginList: 'GET /plugins',
  GetPluginPrivileges: 'GET /plugins/privileges',
  PluginPull: 'POST /plugins/pull',
  PluginInspect: 'GET /plugins/{name}/json',
  PluginDelete: 'DELETE /plugins/{name}',
  PluginEnable: 'POST /plugins/{name}/enable',
  PluginDisable: 'POST /plugins/{name}/disable',
  PluginUpgrade: 'POST /plugins/{name}/upgrade',
  PluginCreate: 'POST /plugins/create',
  PluginPush: 'POST /plugins/{name}/push',
  PluginSet: 'POST /plugins/{name}/set',
  NodeList: 'GET /nodes',
  NodeInspect: 'GET /nodes/{id}',
  NodeDelete: 'DELETE /nodes/{id}',
  NodeUpdate: 'POST /nodes/{id}/update',
  SwarmInspect: 'GET /swarm',
  SwarmInit: 'POST /swarm/init',
  SwarmJoin: 'POST /swarm/join',
  SwarmLeave: 'POST /swarm/leave',
  SwarmUpdate: 'POST /swarm/update',
  SwarmUnlockkey: 'GET /swarm/unlockkey',
  SwarmUnlock: 'POST /swarm/unlock',
  ServiceList: 'GET /services',
  ServiceCreate: 'POST /services/create',
  ServiceInspect: 'GET /services/{id}',
  ServiceDelete: 'DELETE /services/{id}',
  ServiceUpdate: 'POST /services/{id}/update',
  ServiceLogs: 'GET /services/{id}/logs',
  TaskList: 'GET /tasks',
  TaskInspect: 'GET /tasks/{id}',
  TaskLogs: 'GET /tasks/{id}/logs',
  SecretList: 'GET /secrets',
  SecretCreate: 'POST /secrets/create',
  SecretInspect: 'GET /secrets/{id}',
  SecretDelete: 'DELETE /secrets/{id}',
  SecretUpdate: 'POST /secrets/{id}/update',
  ConfigList: 'GET /configs',
  ConfigCreate: 'POST /configs/create',
  ConfigInspect: 'GET /configs/{id}',
  ConfigDelete: 'DELETE /configs/{id}',
  ConfigUpdate: 'POST /configs/{id}/update',
  DistributionInspect: 'GET /distribution/{name}/json',
};

const root = fileURLToPath(new URL('../../', import.meta.url));

function files(dir: string, skip: string[] = []): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (skip.includes(entry.name)) return [];
    return entry.isDirectory() ? files(path, skip) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('request tables cover every operation', () => {
  it('every `METHOD /path` the sources document is a listed operation', () => {
    const listed = new Set(Object.values(OPERATIONS));
    const documented = new Set<string>();
    for (const file of files(join(root, 'src'), ['generated'])) {
      for (const match of readFileSync(file, 'utf8').matchAll(/`((?:GET|POST|PUT|DELETE|HEAD) \/[^`?\s]*)/g)) documented.add(match[1] as string);
    }
    expect([...documented].filter((op) => !listed.has(op)), 'operations without an entry here (add it, and a request-table row)').toEqual([]);
  });

  it(`each of the ${Object.keys(OPERATIONS).length} operations has a row in test/requests`, () => {
    const text = files(join(root, 'test', 'requests'))
      .filter((file) => !file.endsWith('coverage.test.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    expect(Object.keys(OPERATIONS).filter((op) => !text.includes(`'${op}'`))).toEqual([]);
  });
});
