import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY, TEST_IMAGE, type TestSwarm, leaveTestSwarm, testLabels, trackResources, uniqueName, useTestSwarm } from '@dockyard/testkit';
import { docker, dockyard } from './support/processes.js';

// `dockyard service ps|logs` against a single-node swarm this file makes (and leaves), held
// against `docker service ps|logs`.

const resources = trackResources();
const [labelKey, labelValue] = Object.entries(testLabels())[0] as [string, string];
const image = `${REGISTRY.address}/${uniqueName('cliswarm')}:1`;
const service = uniqueName('clisvc');
const config = mkdtempSync(join(tmpdir(), 'dockyard-cli-swarm-'));
const env = { DOCKER_CONFIG: config };
let swarm: TestSwarm | undefined;

const lines = (b: Buffer) => b.toString().split('\n').filter((l) => l !== '');

beforeAll(async () => {
  swarm = await useTestSwarm();
  const auth = Buffer.from(`${REGISTRY.username}:${REGISTRY.password}`).toString('base64');
  writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [REGISTRY.address]: { auth } } }));
  expect((await docker(['tag', TEST_IMAGE, image])).code).toBe(0);
  resources.image(image);
  const pushed = await docker(['push', image], { env });
  expect(pushed.code, pushed.stderr.toString()).toBe(0);
  resources.defer(() => docker(['service', 'rm', service]));
  const created = await docker(
    [
      'service', 'create', '--quiet', '--name', service, '--label', `${labelKey}=${labelValue}`, '--with-registry-auth',
      '--replicas', '2', '--restart-condition', 'none', image,
      'sh', '-c', "echo out-$HOSTNAME; echo err-$HOSTNAME >&2; trap 'exit 0' TERM; sleep 3600 & wait",
    ],
    { env },
  );
  expect(created.code, created.stderr.toString()).toBe(0);
});
afterAll(async () => {
  await resources.cleanup();
  await leaveTestSwarm(swarm);
});

describe('dockyard service', () => {
  it('ps --format json: the same task IDs as docker service ps -q --no-trunc; the table names each slot', async () => {
    const ours = await dockyard(['service', 'ps', service, '--format', 'json']);
    const theirs = await docker(['service', 'ps', '-q', '--no-trunc', service]);
    expect(ours.code, ours.stderr.toString()).toBe(0);
    expect(lines(ours.stdout).map((l) => (JSON.parse(l) as { ID: string }).ID).sort()).toEqual(lines(theirs.stdout).sort());
    const table = await dockyard(['service', 'ps', service]);
    const [head, ...rows] = lines(table.stdout);
    expect(head?.split(/\s{3,}/)).toEqual(['ID', 'NAME', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR', 'PORTS']);
    expect(rows.map((r) => r.split(/\s+/)[1]).sort()).toEqual([`${service}.1`, `${service}.2`]);
    expect(rows.every((r) => /\sRunning\s+Running /.test(r))).toBe(true);
  });

  it('logs --raw: each stream the bytes docker service logs --raw gives; the default prefixes each line with its task as docker does', async () => {
    const read = async () => {
      const raw = await dockyard(['service', 'logs', '--raw', service]);
      return raw.stdout.toString().split('\n').length > 2 && raw.stderr.toString().split('\n').length > 2 ? raw : undefined;
    };
    let ours = await read();
    for (let i = 0; !ours && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ours = await read();
    }
    if (!ours) throw new Error('the service never logged from both tasks');
    const theirs = await docker(['service', 'logs', '--raw', service]);
    expect(lines(ours.stdout).sort()).toEqual(lines(theirs.stdout).sort());
    expect(lines(ours.stderr).sort()).toEqual(lines(theirs.stderr).sort());
    expect(lines(ours.stdout).every((l) => /^out-[0-9a-f]{12}$/.test(l))).toBe(true);

    const prefixed = await dockyard(['service', 'logs', service]);
    const theirsPrefixed = await docker(['service', 'logs', service]);
    expect(lines(prefixed.stdout).sort()).toEqual(lines(theirsPrefixed.stdout).sort());
    expect(lines(prefixed.stderr).sort()).toEqual(lines(theirsPrefixed.stderr).sort());
    expect(lines(prefixed.stdout)[0]).toMatch(new RegExp(`^${service}\\.[12]\\.[0-9a-z]{12}@\\S+\\s+\\| out-`));
  });

  it('a service that is not there: one line, exit 1 as docker', async () => {
    const ours = await dockyard(['service', 'ps', 'dockyard-cli-no-such-service']);
    const theirs = await docker(['service', 'ps', 'dockyard-cli-no-such-service']);
    expect(ours.code).toBe(theirs.code);
    expect(lines(ours.stderr)).toEqual([expect.stringMatching(/^dockyard: .*dockyard-cli-no-such-service/)]);
  });
});
