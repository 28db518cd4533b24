#!/usr/bin/env node
// GET /containers/{id}/json through @dockyard/transport, dockerode and raw undici, sequential
// and 8-way concurrent, alternating the three clients round by round (A B C C B A ...) so
// that drift on a shared machine hits them alike. Prints req/s (median of rounds), the
// client's own CPU time per request, and ratios against raw undici.
//
//   node bench/transport/run.mjs [--requests 600] [--rounds 5]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Transport } from '@dockyard/transport';
import Dockerode from 'dockerode';
import { Agent } from 'undici';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '600' }, rounds: { type: 'string', default: '5' } },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = 8;
const WARMUP = 200;
const INTERLEAVED = 2000;

const socketPath = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice(7) : '/var/run/docker.sock';
const testEnv = JSON.parse(readFileSync(new URL('../../packages/testkit/test-env.json', import.meta.url), 'utf8'));

const raw = new Agent({ connect: { socketPath } });
const transport = new Transport({ host: `unix://${socketPath}` });
const dockerode = new Dockerode({ socketPath });

async function rawCall(method, path, body) {
  const res = await raw.request({
    origin: 'http://localhost',
    method,
    path,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.body.text();
  if (res.statusCode >= 400) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const version = await transport.negotiate();
const { Id: id } = await rawCall('POST', `/v${version}/containers/create`, {
  Image: testEnv.image,
  Cmd: ['sleep', '300'],
  Labels: { [testEnv.testLabel]: '1' },
});

const clients = {
  transport: async () => (await transport.request({ method: 'GET', path: `/containers/${id}/json` })).json(),
  dockerode: () => dockerode.getContainer(id).inspect(),
  'raw undici': async () => (await raw.request({ origin: 'http://localhost', method: 'GET', path: `/v${version}/containers/${id}/json` })).body.json(),
};

// One timed run: req/s over wall time, and this process's CPU time per request (user +
// system, µs), which says what the client itself costs even when the engine or a busy
// machine dominates the wall time.
async function timed(n, body) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await body();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { rate: n / seconds, cpu: (used.user + used.system) / n };
}

function sequential(call, n) {
  return timed(n, async () => {
    for (let i = 0; i < n; i++) {
      const info = await call();
      if (info.Id !== id) throw new Error('wrong answer');
    }
  });
}

function concurrent(call, n) {
  let left = n;
  const worker = async () => {
    while (left-- > 0) {
      const info = await call();
      if (info.Id !== id) throw new Error('wrong answer');
    }
  };
  return timed(n, () => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  await rawCall('POST', `/v${version}/containers/${id}/start`);
  for (const call of Object.values(clients)) {
    await sequential(call, WARMUP);
    await concurrent(call, WARMUP);
  }
  const rates = { sequential: {}, [`${CONCURRENCY}-way concurrent`]: {} };
  for (const mode of Object.keys(rates)) for (const name of Object.keys(clients)) rates[mode][name] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A B C, then C B A: no client always runs first (or right after the same neighbour).
    const order = round % 2 === 0 ? Object.entries(clients) : Object.entries(clients).reverse();
    for (const [name, call] of order) rates.sequential[name].push(await sequential(call, REQUESTS));
    for (const [name, call] of order) rates[`${CONCURRENCY}-way concurrent`][name].push(await concurrent(call, REQUESTS));
  }

  console.log(`GET /containers/{id}/json, ${REQUESTS} requests x ${ROUNDS} rounds per client and mode (median req/s; node ${process.version}, API ${version})\n`);
  console.log('| mode | client | req/s (median) | min..max | req/s vs raw undici | client CPU µs/req (median) | CPU vs raw undici |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const [mode, byClient] of Object.entries(rates)) {
    const base = median(byClient['raw undici'].map((r) => r.rate));
    const baseCpu = median(byClient['raw undici'].map((r) => r.cpu));
    for (const [name, runs] of Object.entries(byClient)) {
      const xs = runs.map((r) => r.rate);
      const m = median(xs);
      const cpu = median(runs.map((r) => r.cpu));
      console.log(
        `| ${mode} | ${name} | ${m.toFixed(0)} | ${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)} | ${(m / base).toFixed(3)} | ${cpu.toFixed(0)} | ${(cpu / baseCpu).toFixed(3)} |`,
      );
    }
  }

  // The same request interleaved one by one (A B C, C B A, ...), each wrapped in its own
  // process.cpuUsage(): machine-wide drift cannot favour any client here.
  const perCall = Object.fromEntries(Object.keys(clients).map((name) => [name, []]));
  const entries = Object.entries(clients);
  for (let i = 0; i < INTERLEAVED; i++) {
    for (const [name, call] of i % 2 === 0 ? entries : [...entries].reverse()) {
      const cpu = process.cpuUsage();
      await call();
      const used = process.cpuUsage(cpu);
      perCall[name].push(used.user + used.system);
    }
  }
  const baseMean = mean(perCall['raw undici']);
  console.log(`\nSequential, interleaved request by request (${INTERLEAVED} each): client CPU µs per request\n`);
  console.log('| client | mean | median | mean vs raw undici |');
  console.log('|---|---:|---:|---:|');
  for (const [name, xs] of Object.entries(perCall)) {
    console.log(`| ${name} | ${mean(xs).toFixed(0)} | ${median(xs).toFixed(0)} | ${(mean(xs) / baseMean).toFixed(3)} |`);
  }
} finally {
  await rawCall('DELETE', `/v${version}/containers/${id}?force=1`).catch((err) => console.error(`cleanup: ${err.message}`));
  await transport.close();
  await raw.close();
}
