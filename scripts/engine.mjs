#!/usr/bin/env node
// Makes sure a Docker engine, the test image and the local registry are up, and prints one
// line about them (or the failure). Idempotent: when everything already answers it only
// checks, which takes well under a second. Used by `npm test`, `npm run demo` and CI.
//
// Steps, each skipped when its result is already there:
//   1. an engine that answers /_ping at DOCKER_HOST or /var/run/docker.sock;
//   2. else (as root) Debian's docker.io & co installed, dockerd started in the background;
//   3. the test image built FROM scratch around busybox-static;
//   4. Debian's docker-registry on 127.0.0.1:5000 with htpasswd auth.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { BUSYBOX, testImageContext } from './test-image.mjs';
import { join } from 'node:path';

const env = JSON.parse(readFileSync(new URL('../packages/testkit/test-env.json', import.meta.url), 'utf8'));
// socat, openssh-server and openssl serve the transport's TCP, TLS and ssh tests; time and curl the benchmarks.
const PACKAGES = ['docker.io', 'busybox-static', 'docker-registry', 'apache2-utils', 'socat', 'openssh-server', 'openssl', 'time', 'curl', 'tmux'];

function fail(message) {
  console.error(`engine: ${message}`);
  process.exit(1);
}

/** Where the engine is: a unix socket path or a tcp host:port, from DOCKER_HOST. */
function engineAddress() {
  const host = process.env.DOCKER_HOST;
  if (!host) return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('tcp://') || host.startsWith('http://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 2375) };
  }
  fail(`DOCKER_HOST=${host}: this script reaches unix:// and tcp:// engines only`);
}

function call(method, path, { body, headers = {}, address = engineAddress(), timeout = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...address, method, path, headers, timeout }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (body && typeof body.pipe === 'function') body.pipe(req);
    else req.end(body);
  });
}

async function pingEngine() {
  try {
    const res = await call('GET', '/_ping', { timeout: 2000 });
    return res.status === 200;
  } catch {
    return false;
  }
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (res.status !== 0) fail(`${cmd} ${args.join(' ')} failed:\n${res.stderr || res.stdout || res.error}`);
  return res.stdout;
}

function installMissingPackages() {
  const missing = PACKAGES.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) fail(`missing Debian packages ${missing.join(', ')} and not root to install them`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env: aptEnv });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: aptEnv });
}

async function waitFor(what, check, seconds, logFile) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = logFile && existsSync(logFile) ? `\n--- ${logFile} (tail) ---\n${readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')}` : '';
  fail(`${what} did not answer within ${seconds}s${tail}`);
}

/** Starts a long-lived daemon detached from this process, its output in logFile. */
function startDetached(cmd, args, logFile) {
  const out = openSync(logFile, 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
}

async function ensureEngine() {
  if (process.getuid?.() === 0) installMissingPackages();
  if (await pingEngine()) return;
  if (process.env.DOCKER_HOST) fail(`no engine answers at DOCKER_HOST=${process.env.DOCKER_HOST}`);
  installMissingPackages();
  const log = '/tmp/dockyard-dockerd.log';
  startDetached('dockerd', [], log);
  await waitFor('dockerd', pingEngine, 60, log);
}

async function ensureTestImage() {
  const ref = env.image;
  const res = await call('GET', `/images/${ref}/json`);
  if (res.status === 200) return;
  if (res.status !== 404) fail(`inspecting ${ref}: ${res.status} ${res.body}`);
  if (!existsSync(BUSYBOX)) installMissingPackages();
  const dir = testImageContext();
  try {
    const tar = spawn('tar', ['-c', '-C', dir, '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const built = await call('POST', `/build?t=${encodeURIComponent(ref)}&rm=1&forcerm=1`, {
      body: tar.stdout,
      headers: { 'Content-Type': 'application/x-tar' },
      timeout: 120_000,
    });
    const lines = built.body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const error = lines.find((l) => l.error || l.errorDetail);
    if (built.status !== 200 || error) fail(`building ${ref}: ${error ? error.error : built.body}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pingRegistry() {
  const [host, port] = env.registry.address.split(':');
  try {
    const res = await call('GET', '/v2/', { address: { host, port: Number(port) }, timeout: 2000 });
    return res.status === 401; // up, and asking for the credentials we configured
  } catch {
    return false;
  }
}

async function ensureRegistry() {
  if (await pingRegistry()) return;
  if (!existsSync('/usr/bin/docker-registry') || !existsSync('/usr/bin/htpasswd')) installMissingPackages();
  const { address, username, password, dataDir } = env.registry;
  mkdirSync(dataDir, { recursive: true });
  const htpasswd = join(dataDir, 'htpasswd');
  writeFileSync(htpasswd, run('htpasswd', ['-Bbn', username, password]));
  const config = join(dataDir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dataDir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${address}`,
      'auth:',
      '  htpasswd:',
      '    realm: dockyard-test',
      `    path: ${htpasswd}`,
      '',
    ].join('\n'),
  );
  const log = '/tmp/dockyard-registry.log';
  startDetached('docker-registry', ['serve', config], log);
  await waitFor(`docker-registry on ${address}`, pingRegistry, 30, log);
}

await ensureEngine();
await ensureTestImage();
await ensureRegistry();
const version = JSON.parse((await call('GET', '/version')).body);
console.log(`engine ${version.Version} (API ${version.ApiVersion}) · image ${env.image} · registry ${env.registry.address} (user ${env.registry.username})`);
