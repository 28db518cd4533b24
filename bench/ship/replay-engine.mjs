// Replay engine, its own process: enough of the Engine API on a unix socket for followAll()
// (ping, list, inspect, events that stay open, logs): each container's log is its recorded
// framed bytes, written as fast as the socket takes them, then the log ends (container stopped).
// Usage: node replay-engine.mjs SOCKET CONTAINERS LINES
import { unlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { framedLog } from './recording.mjs';

const [socketPath, containerCount, lineCount] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const ids = Array.from({ length: containerCount }, (_, i) => `b${i.toString(16).padStart(63, '0')}`);
const logs = new Map();
const logOf = (i) => {
  if (!logs.has(i)) logs.set(i, framedLog(i, lineCount));
  return logs.get(i);
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://engine');
  const path = url.pathname.replace(/^\/v1\.\d+/, '');
  res.setHeader('Api-Version', '1.41');
  if (path === '/_ping') return res.end('OK');
  if (path === '/containers/json') return json(res, ids.map((Id) => ({ Id })));
  if (path === '/events') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    return; // stays open: no events
  }
  const match = /^\/containers\/([0-9a-f]+)\/(json|logs)$/.exec(path);
  const index = match ? ids.indexOf(match[1]) : -1;
  if (index < 0) return json(res, { message: 'No such container' }, 404);
  if (match[2] === 'json') {
    return json(res, { Id: ids[index], Name: `/bench-${index}`, Image: 'sha256:'.padEnd(71, 'a'), Config: { Image: 'bench:latest', Labels: { bench: 'yes' }, Env: [], Tty: false }, State: { Running: true } });
  }
  res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
  const data = logOf(index);
  for (let at = 0; at < data.length; at += 64 * 1024) {
    if (!res.write(data.subarray(at, at + 64 * 1024))) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
});

function json(res, value, status = 200) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

try {
  unlinkSync(socketPath);
} catch {}
server.listen(socketPath, () => process.send?.('ready'));
process.on('disconnect', () => process.exit(0));
