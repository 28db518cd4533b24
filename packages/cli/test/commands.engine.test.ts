import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, engineSocketPath, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { docker, dockyard } from './support/processes.js';

// Every command runs as a child process, as a person runs it, and is held against the docker
// CLI doing the same on the same engine.

const resources = trackResources();
const [labelKey, labelValue] = Object.entries(testLabels())[0] as [string, string];
const testLabel = `${labelKey}=${labelValue}`;
/** A label only this file's containers carry, so listings are not disturbed by other tests. */
const mine = `dockyard.cli.file=${uniqueName('cmds')}`;

const lines = (b: Buffer) => b.toString().split('\n').filter((l) => l !== '');

/** `docker run -d` a container of this file; resolves with its name. */
async function startContainer(script: string, extra: string[] = []): Promise<string> {
  const name = resources.container(uniqueName('cli'));
  const res = await docker(['run', '-d', '--name', name, '--label', testLabel, '--label', mine, ...extra, TEST_IMAGE, 'sh', '-c', script]);
  expect(res.code, res.stderr.toString()).toBe(0);
  return name;
}

describe('dockyard ps', () => {
  let running: string;
  let exited: string;
  beforeAll(async () => {
    running = await startContainer('sleep 600');
    exited = await startContainer('exit 0');
    await docker(['wait', exited]);
  });

  it('--format json: one engine object a line, the same IDs as docker ps -q --no-trunc (with and without -a)', async () => {
    for (const all of [[], ['-a']]) {
      const ours = await dockyard(['ps', ...all, '--filter', `label=${mine}`, '--format', 'json']);
      const theirs = await docker(['ps', ...all, '-q', '--no-trunc', '--filter', `label=${mine}`]);
      expect(ours.code).toBe(0);
      const objects = lines(ours.stdout).map((l) => JSON.parse(l) as { Id: string; Names: string[]; Labels: Record<string, string> });
      expect(objects.map((o) => o.Id).sort()).toEqual(lines(theirs.stdout).sort());
      expect(objects.every((o) => o.Labels[labelKey] === labelValue)).toBe(true); // engine JSON, untouched
    }
  });

  it('prints a table with the short IDs and names, and -q the IDs alone', async () => {
    const table = await dockyard(['ps', '-a', '--filter', `label=${mine}`]);
    const [head, ...rows] = lines(table.stdout);
    expect(head?.split(/\s{3,}/)).toEqual(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']);
    expect(rows.map((r) => r.split(/\s+/).at(-1)).sort()).toEqual([exited, running].sort());
    const quiet = await dockyard(['ps', '-a', '-q', '--filter', `label=${mine}`]);
    const theirs = await docker(['ps', '-a', '-q', '--filter', `label=${mine}`]);
    expect(lines(quiet.stdout).sort()).toEqual(lines(theirs.stdout).sort());
  });
});

describe('dockyard logs', () => {
  let name: string;
  beforeAll(async () => {
    // NUL and 0xff bytes, a last line without a newline, a 20 000-byte line (the engine splits
    // lines at 16 KiB), both streams interleaved.
    name = await startContainer(
      "printf 'out one\\n'; printf 'err \\000 bin \\377\\n' >&2; head -c 20000 /dev/zero | tr '\\000' x; echo; printf 'two\\n' >&2; printf 'no newline'",
    );
    await docker(['wait', name]);
  });

  it.each([[[]], [['--timestamps']], [['--tail', '2']], [['-t', '--tail', '1']], [['--since', '1', '--until', '4000000000']]])(
    'logs %j: stdout and stderr byte-equal to docker logs, each on its own stream',
    async (flags) => {
      const ours = await dockyard(['logs', ...flags, name]);
      const theirs = await docker(['logs', ...flags, name]);
      expect(ours.code).toBe(0);
      expect(ours.stdout.length).toBeGreaterThan(0);
      expect(ours.stdout.equals(theirs.stdout)).toBe(true);
      expect(ours.stderr.equals(theirs.stderr)).toBe(true);
    },
  );

  it('-f follows until the container stops, then ends with what docker logs has', async () => {
    const follower = await startContainer("echo start; sleep 1; echo middle >&2; sleep 1; echo end");
    const ours = await dockyard(['logs', '-f', follower]);
    const theirs = await docker(['logs', follower]);
    expect(ours.code).toBe(0);
    expect(ours.stdout.toString()).toBe('start\nend\n');
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
    expect(ours.stderr.equals(theirs.stderr)).toBe(true);
  });

  it('a container that is not there: one line on stderr, exit 1 as docker logs', async () => {
    const ours = await dockyard(['logs', 'dockyard-cli-no-such-container']);
    const theirs = await docker(['logs', 'dockyard-cli-no-such-container']);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stderr.toString()).toMatch(/^dockyard: No such container: dockyard-cli-no-such-container \(check .*\)\n$/);
    const debug = await dockyard(['logs', 'dockyard-cli-no-such-container'], { env: { DOCKYARD_DEBUG: '1' } });
    expect(lines(debug.stderr).length).toBeGreaterThan(2);
    expect(debug.stderr.toString()).toContain('NotFoundError');
  });
});

describe('dockyard exec', () => {
  let name: string;
  beforeAll(async () => {
    name = await startContainer('sleep 600');
  });

  it.each([
    ['sh', '-c', "printf out; printf 'e\\000r' >&2; exit 7"],
    ['sh', '-c', 'exit 0'],
    ['nonexistent-command'],
  ])('%j: exit code and both streams as docker exec gives them', async (...cmd) => {
    const ours = await dockyard(['exec', name, ...cmd]);
    const theirs = await docker(['exec', name, ...cmd]);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
    expect(ours.stderr.equals(theirs.stderr)).toBe(true);
  });

  it('-e, -w, -u reach the process; options after the container belong to the command', async () => {
    const cmd = ['-e', 'A=1', '-e', 'B=two words', '-w', '/tmp', '-u', '1000:1000', name, 'sh', '-c', 'echo "$A|$B|$(pwd)|$(id -u)" -x'];
    const ours = await dockyard(['exec', ...cmd]);
    const theirs = await docker(['exec', ...cmd]);
    expect(ours.stdout.toString()).toBe('1|two words|/tmp|1000 -x\n');
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
  });

  it('-i forwards stdin to the end', async () => {
    const input = Buffer.concat([Buffer.from('hello\n'), Buffer.alloc(100_000, 0x61), Buffer.from([0, 255])]);
    const ours = await dockyard(['exec', '-i', name, 'cat'], { input });
    expect(ours.code).toBe(0);
    expect(ours.stdout.equals(input)).toBe(true);
  });

  it('a container that is not there is dockyard’s own failure: 125 and one line', async () => {
    const ours = await dockyard(['exec', 'dockyard-cli-no-such-container', 'true']);
    expect(ours.code).toBe(125);
    expect(lines(ours.stderr)).toEqual([expect.stringMatching(/^dockyard: No such container/)]);
  });
});

describe('dockyard run', () => {
  it.each([
    [['sh', '-c', "printf o; printf 'e\\377' >&2; exit 3"]],
    [['nonexistent-command']],
    [['sh', '-c', 'echo $V', '--']],
  ])('%j: exit code and both streams as docker run gives them', async (cmd) => {
    const args = ['run', '--rm', '-e', 'V=from-env', '--label', testLabel, TEST_IMAGE, ...cmd];
    const ours = await dockyard(args);
    const theirs = await docker(args);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
    if (theirs.code === 127) expect(lines(ours.stderr)).toEqual([expect.stringMatching(/^dockyard: .*executable file not found/)]);
    else expect(ours.stderr.equals(theirs.stderr)).toBe(true);
  });

  it('--name names the container; without --rm it stays', async () => {
    const name = resources.container(uniqueName('clirun'));
    const ours = await dockyard(['run', '--name', name, '--label', testLabel, TEST_IMAGE, 'true']);
    expect(ours.code).toBe(0);
    const inspected = await docker(['inspect', '--format', '{{.State.Status}} {{index .Config.Labels "' + labelKey + '"}}', name]);
    expect(inspected.stdout.toString().trim()).toBe(`exited ${labelValue}`);
  });

  it('-d starts it in the background and prints its ID', async () => {
    const name = resources.container(uniqueName('clidetach'));
    const ours = await dockyard(['run', '-d', '--name', name, '--label', testLabel, TEST_IMAGE, 'sleep', '600']);
    expect(ours.code, ours.stderr.toString()).toBe(0);
    const inspected = await docker(['inspect', '--format', '{{.Id}} {{.State.Status}}', name]);
    expect(inspected.stdout.toString()).toBe(`${ours.stdout.toString().trim()} running\n`);
  });

  it('-i forwards stdin to the container', async () => {
    const ours = await dockyard(['run', '--rm', '-i', '--label', testLabel, TEST_IMAGE, 'sh', '-c', 'tr a-z A-Z'], { input: 'shout\n' });
    expect(ours.code).toBe(0);
    expect(ours.stdout.toString()).toBe('SHOUT\n');
  });

  it('an image the registry refuses: 125 as docker run, the engine’s message in one line', async () => {
    const args = ['run', '--rm', '127.0.0.1:5000/dockyard-cli-nowhere:1', 'true'];
    const ours = await dockyard(args, { env: { DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'dockyard-cli-')) } });
    const theirs = await docker(args);
    expect(ours.code).toBe(125);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stderr.toString()).toMatch(/^Unable to find image '127\.0\.0\.1:5000\/dockyard-cli-nowhere:1' locally\n/);
    expect(lines(ours.stderr).at(-1)).toMatch(/^dockyard: .*(no basic auth credentials|unauthorized).*\(check the registry credentials/);
  });
});

describe('dockyard build', () => {
  it('a failing RUN step: the step’s exit code as docker build gives it, the engine’s message in one line', async () => {
    const context = mkdtempSync(join(tmpdir(), 'dockyard-cli-build-'));
    try {
      // Only the failing step after FROM: no intermediate image is made, and with --force-rm the
      // failed step's container goes too, so nothing is left on the shared engine.
      writeFileSync(join(context, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo building; exit 3\n`);
      const ours = await dockyard(['build', '--force-rm', context]);
      const theirs = await docker(['build', '--force-rm', context], { env: { DOCKER_BUILDKIT: '0' } });
      expect(ours.code).toBe(3);
      expect(ours.code).toBe(theirs.code);
      expect(ours.stdout.toString()).toContain('building\n');
      expect(lines(ours.stderr)).toEqual(["dockyard: The command '/bin/sh -c echo building; exit 3' returned a non-zero code: 3"]);
      expect((await dockyard(['build', '-q', '--force-rm', context])).code).toBe(3);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  });
});

describe('dockyard events', () => {
  it('--since/--until/--filter --format json: the same events as docker events', async () => {
    const since = (Date.now() / 1000 - 1).toFixed(3);
    const name = await startContainer('exit 0');
    await docker(['wait', name]);
    const until = (Date.now() / 1000 + 1).toFixed(3);
    const filter = ['--filter', `container=${name}`, '--since', since, '--until', until];
    const ours = await dockyard(['events', ...filter, '--format', 'json']);
    const theirs = await docker(['events', ...filter, '--format', '{{json .}}']);
    expect(ours.code).toBe(0);
    const pick = (b: Buffer) => lines(b).map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string } }).map((e) => `${e.Action} ${e.Actor.ID}`);
    expect(pick(ours.stdout)).toEqual(pick(theirs.stdout));
    // Engine JSON: timeNano a number with every digit (parsing it as a double would round it).
    const nanos = (b: Buffer) => lines(b).map((l) => /"timeNano":(\d+)[,}]/.exec(l)?.[1]);
    expect(nanos(ours.stdout)).toEqual(nanos(theirs.stdout));
    expect(pick(ours.stdout).map((e) => e.split(' ')[0])).toEqual(expect.arrayContaining(['create', 'start', 'die']));
    const text = await dockyard(['events', ...filter]);
    expect(lines(text.stdout).find((l) => l.includes(' container start '))).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z container start [0-9a-f]{64} \\(.*name=${name}.*\\)$`),
    );
  });
});

describe('dockyard images, stats, version, info, system df', () => {
  it('images --format json: the same IDs as docker images -q --no-trunc', async () => {
    const ours = await dockyard(['images', '--filter', `reference=${TEST_IMAGE}`, '--format', 'json']);
    const theirs = await docker(['images', '-q', '--no-trunc', '--filter', `reference=${TEST_IMAGE}`]);
    expect(lines(ours.stdout).map((l) => (JSON.parse(l) as { Id: string }).Id)).toEqual(lines(theirs.stdout));
    const table = await dockyard(['images', '--filter', `reference=${TEST_IMAGE}`]);
    expect(lines(table.stdout)[1]).toMatch(/^dockyard-test\/busybox\s+latest\s+[0-9a-f]{12}\s+.+ ago\s+[\d.]+[kMG]?B$/);
  });

  it('stats --no-stream: one row for the container; --format json the engine sample', async () => {
    const name = await startContainer('sleep 600');
    const table = await dockyard(['stats', '--no-stream', name]);
    expect(table.code).toBe(0);
    const [head, row] = lines(table.stdout);
    expect(head?.split(/\s{3,}/)).toEqual(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS']);
    expect(row).toMatch(new RegExp(`^[0-9a-f]{12}\\s+${name}\\s+\\d+\\.\\d\\d%\\s+\\S+ / \\S+\\s+\\d+\\.\\d\\d%`));
    const json = await dockyard(['stats', '--no-stream', '--format', 'json', name]);
    const id = (await docker(['inspect', '--format', '{{.Id}}', name])).stdout.toString().trim();
    expect((JSON.parse(lines(json.stdout)[0] ?? '{}') as { id: string }).id).toBe(id);
  });

  it('version, info and system df: engine JSON equal to what docker reads', async () => {
    const version = JSON.parse((await dockyard(['version', '--format', 'json'])).stdout.toString()) as { Server: { Version: string } };
    expect(version.Server.Version).toBe((await docker(['version', '--format', '{{.Server.Version}}'])).stdout.toString().trim());
    const info = JSON.parse((await dockyard(['info', '--format', 'json'])).stdout.toString()) as { ID: string };
    expect(info.ID).toBe((await docker(['info', '--format', '{{.ID}}'])).stdout.toString().trim());
    expect(lines((await dockyard(['version'])).stdout)).toEqual(expect.arrayContaining([`  Version:          ${version.Server.Version}`]));
    const df = await dockyard(['system', 'df']);
    expect(lines(df.stdout).map((l) => l.split(/\s{2,}/)[0])).toEqual(['TYPE', 'Images', 'Containers', 'Local Volumes', 'Build Cache']);
    const dfJson = JSON.parse((await dockyard(['system', 'df', '--format', 'json'])).stdout.toString()) as { LayersSize: number };
    expect(typeof dfJson.LayersSize).toBe('number');
  });
});

describe('engine selection and usage errors', () => {
  const socket = engineSocketPath();
  const nowhere = 'unix:///nonexistent/dockyard-cli.sock';

  it('-H beats DOCKER_HOST; a DOCKER_HOST with no engine is one line naming it, exit 1 as docker', async () => {
    const viaFlag = await dockyard(['-H', `unix://${socket}`, 'ps', '-q'], { env: { DOCKER_HOST: nowhere } });
    expect(viaFlag.code).toBe(0);
    const down = await dockyard(['ps'], { env: { DOCKER_HOST: nowhere } });
    const theirs = await docker(['ps'], { env: { DOCKER_HOST: nowhere } });
    expect(down.code).toBe(theirs.code);
    expect(lines(down.stderr)).toEqual([expect.stringMatching(/^dockyard: .*\/nonexistent\/dockyard-cli\.sock/)]);
  });

  it('--context picks a context (over DOCKER_HOST); with -H it is refused with 125', async () => {
    const config = mkdtempSync(join(tmpdir(), 'dockyard-cli-ctx-'));
    try {
      writeFileSync(join(config, 'config.json'), '{}');
      const made = await docker(['--config', config, 'context', 'create', 'cli-test', '--docker', `host=unix://${socket}`]);
      expect(made.code, made.stderr.toString()).toBe(0);
      const env = { DOCKER_CONFIG: config, DOCKER_HOST: nowhere };
      const ours = await dockyard(['--context', 'cli-test', 'ps', '-q', '--no-trunc'], { env });
      expect(ours.code, ours.stderr.toString()).toBe(0);
      const missing = await dockyard(['--context', 'no-such-context', 'ps'], { env });
      expect(lines(missing.stderr)).toEqual([expect.stringMatching(/^dockyard: .*no-such-context/)]);
      const both = await dockyard(['-H', `unix://${socket}`, '--context', 'cli-test', 'ps'], { env });
      expect(both.code).toBe(125);
      expect(both.stderr.toString()).toBe('dockyard: conflicting options: either specify --host or --context, not both\n');
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('bare dockyard prints the help and exits 0; --version prints the version', async () => {
    const bare = await dockyard([]);
    expect(bare.code).toBe(0);
    expect(bare.stdout.toString()).toMatch(/^Usage: dockyard /);
    const version = await dockyard(['--version']);
    expect(version.stdout.toString()).toMatch(/^dockyard version \d+\.\d+\.\d+\n$/);
  });

  it('an unknown flag exits 125, as docker', async () => {
    const ours = await dockyard(['ps', '--bogus']);
    const theirs = await docker(['ps', '--bogus']);
    expect(ours.code).toBe(125);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stderr.toString()).toContain("unknown option '--bogus'");
  });

  it('output is never coloured when it is not a terminal', async () => {
    const ours = await dockyard(['logs', 'dockyard-cli-no-such-container'], { env: { FORCE_COLOR: '1' } });
    expect(ours.stderr.toString()).not.toContain('\x1b[');
  });
});
