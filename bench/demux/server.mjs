// Replay server, run as its own process so its writes don't share the measured event loop:
// on each connection it reads one line naming a case, then writes that case's recording
// `repeats` times as fast as the socket takes it (honouring backpressure) and closes.
import { unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { CASES } from './recording.mjs';

const socketPath = process.argv[2];
const recordings = Object.fromEntries(Object.entries(CASES).map(([name, c]) => [name, { ...c, ...c.build() }]));

const server = createServer((socket) => {
  let request = '';
  socket.on('data', function onData(chunk) {
    request += chunk.toString();
    const newline = request.indexOf('\n');
    if (newline === -1) return;
    socket.off('data', onData);
    const recording = recordings[request.slice(0, newline)];
    if (!recording) return socket.destroy();
    replay(socket, recording);
  });
});

async function replay(socket, { data, repeats }) {
  for (let i = 0; i < repeats; i++) {
    if (!socket.write(data)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
}

try {
  unlinkSync(socketPath);
} catch {}
server.listen(socketPath, () => process.send?.('ready'));
process.on('disconnect', () => process.exit(0));
