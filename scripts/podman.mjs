#!/usr/bin/env node
// Makes sure Podman's Docker-compatible API answers on its own socket, next to dockerd and
// without touching it, with the test image built; prints one line about it (or the failure).
// Idempotent: when the service already answers and the image is there it only checks.
// Used by `npm run test:podman`; the shared registry comes from scripts/engine.mjs.
//
// Steps, each skipped when its result is already there:
//   1. (as root) Debian's podman installed, refusing when apt would remove anything (docker.io
//      shares containerd/runc with it);
//   2. /etc/containers/containers.conf: default rlimits this VM lets a container have (Podman's
//      rootful default, 1 048 576, makes runc fail with `error setting rlimit`), cgroupfs and
//      file events when there is no systemd; the local registry marked insecure (plain HTTP);
//   3. the test image built with podman, FROM scratch around busybox-static;
//   4. `podman system service --time=0` on PODMAN_SOCKET, detached so it outlives this script.
// dockerd's state (docker0, the DOCKER* iptables chains) is compared before and after.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { testImageContext } from './test-image.mjs';
import { dirname } from 'node:path';

const env = JSON.parse(readFileSync(new URL('../packages/testkit/test-env.json', import.meta.url), 'utf8'));
/** Where the API service listens; `npm run test:podman` points DOCKER_HOST here. */
const PODMAN_SOCKET = '/run/dockyard-podman.sock';
const PACKAGES = ['podman', 'netavark', 'aardvark-dns', 'busybox-static'];
const CONTAINERS_CONF = '/etc/containers/containers.conf';
const REGISTRIES_CONF = '/etc/containers/registries.conf.d/50-dockyard-test.conf';
const MARKER = '# written by dockyard scripts/podman.mjs';
const LOG = '/tmp/dockyard-podman.log';

function fail(message) {
  console.error(`podman: ${message}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (res.status !== 0) fail(`${cmd} ${args.join(' ')} failed:\n${res.stderr || res.stdout || res.error}`);
  return res.stdout;
}

function ping() {
  return new Promise((resolve) => {
    const req = http.request({ socketPath: PODMAN_SOCKET, method: 'GET', path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? res.headers : undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** One API call on Podman's socket: status and body text. */
function call(method, path, body) {
  return new Promise((resolve) => {
    const req = http.request(
      { socketPath: PODMAN_SOCKET, method, path, timeout: 30_000, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ status: 0, text: err.message }));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * Whether the service can still run a container through the API. A long-lived service was
 * seen answering pings while every container start failed (500 `write child: broken pipe`);
 * the podman CLI, which does not go through it, still worked.
 */
async function serviceRunsContainers() {
  const created = await call('POST', '/v1.41/containers/create', { Image: env.image, Cmd: ['true'], Labels: { [env.testLabel]: 'podman-health' } });
  if (created.status !== 201) return false;
  const id = JSON.parse(created.text).Id;
  const started = await call('POST', `/v1.41/containers/${id}/start`);
  const ok = started.status === 204 || started.status === 304;
  // Removing a container while it exits can fail on Podman: let it finish first.
  if (ok) await call('POST', `/v1.41/containers/${id}/wait`);
  await call('DELETE', `/v1.41/containers/${id}?force=1`);
  return ok;
}

/** dockerd's footprint this script must leave alone: docker0 and docker's iptables rules. */
function dockerState() {
  const link = spawnSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' }).stdout.replace(/\s+state \S+.*$/s, '');
  const rules = spawnSync('iptables-save', [], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => /DOCKER/.test(l))
    .map((l) => l.replace(/\[\d+:\d+\]/, ''));
  return [link, ...rules].join('\n');
}

function installPackages() {
  const missing = PACKAGES.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) fail(`missing Debian packages ${missing.join(', ')} and not root to install them`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const args = ['install', '-y', '-qq', '--no-install-recommends', ...missing];
  let plan = spawnSync('apt-get', ['-s', ...args], { encoding: 'utf8', env: aptEnv });
  if (plan.status !== 0) {
    run('apt-get', ['update', '-qq'], { env: aptEnv });
    plan = spawnSync('apt-get', ['-s', ...args], { encoding: 'utf8', env: aptEnv });
  }
  if (plan.status !== 0) fail(`apt-get cannot install ${missing.join(', ')}:\n${plan.stderr || plan.stdout}`);
  // Podman and docker.io share containerd and runc: never trade the running dockerd for it.
  const removals = plan.stdout.split('\n').filter((l) => l.startsWith('Remv '));
  if (removals.length > 0) fail(`installing ${missing.join(', ')} would remove packages, refusing:\n${removals.join('\n')}`);
  run('apt-get', args, { env: aptEnv });
}

/** The hard limit of `name` in /proc/self/limits (e.g. 'Max open files'), a number or undefined. */
function hardLimit(name) {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === 'unlimited' ? undefined : Number(hard);
}

/** Writes `path` with `text` unless it holds that already; a file this script did not write is left alone. */
function writeConfig(path, text) {
  if (existsSync(path)) {
    const current = readFileSync(path, 'utf8');
    if (current === text) return false;
    if (!current.startsWith(MARKER)) fail(`${path} exists and was not written by this script; it needs:\n${text}`);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return true;
}

function configure() {
  const nofile = hardLimit('Max open files') ?? 1_048_576;
  // Podman lowers its own hard nproc to 32 768 at start; a container cannot get more than that.
  const nproc = Math.min(hardLimit('Max processes') ?? 32_768, 32_768);
  const systemd = existsSync('/run/systemd/system');
  const conf = [
    MARKER,
    '[containers]',
    `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
    ...(systemd ? [] : ['', '[engine]', '# No systemd here: cgroups by hand, events to a file.', 'cgroup_manager = "cgroupfs"', 'events_logger = "file"']),
    '',
  ].join('\n');
  const registries = [MARKER, '[[registry]]', `location = "${env.registry.address}"`, 'insecure = true', ''].join('\n');
  const confChanged = writeConfig(CONTAINERS_CONF, conf);
  const registriesChanged = writeConfig(REGISTRIES_CONF, registries);
  return confChanged || registriesChanged;
}

async function waitForService(seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await ping()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = existsSync(LOG) ? `\n--- ${LOG} (tail) ---\n${readFileSync(LOG, 'utf8').split('\n').slice(-20).join('\n')}` : '';
  fail(`podman system service did not answer on ${PODMAN_SOCKET} within ${seconds}s${tail}`);
}

async function ensureService() {
  if (await ping()) return;
  rmSync(PODMAN_SOCKET, { force: true }); // a socket file left by a service that is gone
  const out = openSync(LOG, 'a');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${PODMAN_SOCKET}`], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  await waitForService(30);
}

function ensureTestImage() {
  if (spawnSync('podman', ['image', 'exists', env.image]).status === 0) return;
  const dir = testImageContext();
  try {
    run('podman', ['build', '--format', 'docker', '-t', env.image, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const before = dockerState();
installPackages();
if (configure() && (await ping())) {
  console.error(`podman: ${CONTAINERS_CONF} changed; restart the service (stop the \`podman system service\` on ${PODMAN_SOCKET}) for it to apply`);
}
ensureTestImage();
await ensureService();
if (!(await serviceRunsContainers())) {
  console.error(`podman: the service on ${PODMAN_SOCKET} answers but cannot start containers; starting a fresh one`);
  spawnSync('pkill', ['-f', `podman system service --time=0 unix://${PODMAN_SOCKET}`]);
  for (let i = 0; i < 40 && (await ping()); i++) await new Promise((r) => setTimeout(r, 250));
  await ensureService();
  if (!(await serviceRunsContainers())) fail(`podman system service on ${PODMAN_SOCKET} cannot start containers (see ${LOG})`);
}
const after = dockerState();
if (after !== before) fail(`dockerd's state changed (docker0 or its iptables rules):\n--- before\n${before}\n--- after\n${after}`);
const headers = await ping();
console.log(`podman ${headers['libpod-api-version']} (API ${headers['api-version']}) at unix://${PODMAN_SOCKET} · image ${env.image}`);
