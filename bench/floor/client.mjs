// The floor: the same answer read with nothing but a Node `net` socket on the engine's unix
// socket, a hand-written HTTP/1.1 request and the least parsing that can count the bytes.
// No demultiplexing: it counts the framed bytes (frame headers included), as curl | wc -c does.
//   CONTAINER=<id> BYTES=<n> node bench/floor/client.mjs exec   # create + start an exec of head -c BYTES /dev/zero
//   CONTAINER=<id> node bench/floor/client.mjs logs              # GET /containers/{id}/logs (chunked)
import { connect } from 'node:net';

const SOCKET = '/var/run/docker.sock';
const [, , what] = process.argv;
const { CONTAINER, BYTES } = process.env;

/** Sends `head` (+ `body`) on a new connection; calls `onBody` with every byte after the response head. */
function request(head, body, onBody) {
  return new Promise((resolve, reject) => {
    const socket = connect(SOCKET);
    let pending = null; // bytes of the response head seen so far
    socket.on('data', (chunk) => {
      if (pending !== undefined) {
        const all = pending === null ? chunk : Buffer.concat([pending, chunk]);
        const end = all.indexOf('\r\n\r\n');
        if (end === -1) {
          pending = all;
          return;
        }
        pending = undefined;
        const status = all.toString('latin1', 9, 12);
        if (status !== '200' && status !== '101' && status !== '201') reject(new Error(all.toString('latin1', 0, end)));
        if (all.length > end + 4) onBody(all.subarray(end + 4), socket);
        return;
      }
      onBody(chunk, socket);
    });
    socket.on('end', resolve);
    socket.on('error', reject);
    socket.write(head + (body === undefined ? '' : body));
  });
}

const post = (path, json, extra = '') => {
  const body = JSON.stringify(json);
  return `POST ${path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
};

let bytes = 0;
if (what === 'exec') {
  let answer = '';
  // Connection: close, so the engine ends the socket after the (small) answer.
  await request(post(`/v1.41/containers/${CONTAINER}/exec`, { Cmd: ['head', '-c', BYTES, '/dev/zero'], AttachStdout: true, AttachStderr: true }, 'Connection: close\r\n'), undefined, (b) => {
    answer += b.toString('latin1');
  });
  const id = /"Id":"([0-9a-f]+)"/.exec(answer)?.[1];
  if (!id) throw new Error(`no exec id in ${answer}`);
  await request(post(`/v1.41/exec/${id}/start`, { Detach: false, Tty: false }, 'Connection: Upgrade\r\nUpgrade: tcp\r\n'), undefined, (b) => {
    bytes += b.length;
  });
} else if (what === 'logs') {
  // Chunked transfer coding: hex size line, CRLF, data, CRLF. Counts the data bytes.
  let remaining = 0; // data bytes left in the current chunk
  let skip = 0; // CRLF bytes after a chunk's data still to skip
  let size = -1; // size line being read (-1: not in one)
  await request(`GET /v1.41/containers/${CONTAINER}/logs?stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n`, undefined, (b, socket) => {
    let i = 0;
    const n = b.length;
    while (i < n) {
      if (remaining > 0) {
        const take = Math.min(remaining, n - i);
        bytes += take;
        remaining -= take;
        i += take;
        if (remaining === 0) skip = 2;
      } else if (skip > 0) {
        skip--;
        i++;
      } else {
        const c = b[i++];
        if (size < 0) size = 0;
        if (c === 0x0a) {
          if (size === 0) return socket.end(); // the last chunk
          remaining = size;
          size = -1;
        } else if (c !== 0x0d) {
          size = size * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
        }
      }
    }
  });
} else {
  throw new Error('usage: client.mjs exec|logs');
}
console.log(bytes);
