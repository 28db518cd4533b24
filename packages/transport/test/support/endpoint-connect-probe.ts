// Run in a child process (possibly as another user): opens a socket to the unix path in argv[2]
// with openSocket and prints the outcome as one JSON line.
import { openSocket } from '../../src/connect/open-socket.js';

const socketPath = process.argv[2] ?? '';
try {
  const socket = await openSocket({ kind: 'unix', socketPath, source: 'options' });
  socket.destroy();
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  const e = error as Error & { cause?: { code?: string } };
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message, causeCode: e.cause?.code }));
}
