// Replay server for bench/events, its own process so its writes don't share the measured
// event loop: an HTTP/1.1 server on a unix socket answering `GET /v1.41/events` with COUNT
// engine-shaped event messages (JSON lines, chunked, as dockerd sends them) as fast as the
// socket takes them, then the end of the body. Any other path gets `{}`.
import { unlinkSync } from 'node:fs';
import { createServer } from 'node:http';

const [, , socketPath, countArg] = process.argv;
const COUNT = Number(countArg);
const BATCH = 256;

/** One event as the engine writes it (container lifecycle, ~500 bytes with its labels). */
function event(i) {
  const id = i.toString(16).padStart(64, '0');
  const actions = ['create', 'start', 'die', 'destroy'];
  return `${JSON.stringify({
    status: actions[i % 4],
    id,
    from: 'dockyard-test/busybox:latest',
    Type: 'container',
    Action: actions[i % 4],
    Actor: { ID: id, Attributes: { image: 'dockyard-test/busybox:latest', name: `bench-${i % 1000}`, 'dockyard.bench': '1', exitCode: '0' } },
    scope: 'local',
    time: 1764633600 + Math.floor(i / 1000),
    timeNano: 1764633600000000000 + i * 1000,
  })}\n`;
}
// Batches of BATCH events, built once and written again and again (the client only decodes).
const batches = Array.from({ length: 8 }, (_, b) => Buffer.from(Array.from({ length: BATCH }, (_, i) => event(b * BATCH + i)).join('')));

const server = createServer(async (req, res) => {
  if (!req.url?.startsWith('/v1.41/events')) {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  for (let sent = 0; sent < COUNT; sent += BATCH) {
    if (!res.write(batches[(sent / BATCH) % batches.length])) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
});

try {
  unlinkSync(socketPath);
} catch {}
server.listen(socketPath, () => process.send?.('ready'));
process.on('disconnect', () => process.exit(0));
