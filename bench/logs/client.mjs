// The whole log of exited container $CONTAINER, read to the end through the client named in
// argv[2]; prints the payload bytes received.
import { Writable } from 'node:stream';

const [, , client] = process.argv;
const { CONTAINER } = process.env;
let bytes = 0;

// Each client loads only its own library, so neither pays for the other's import.
if (client === 'dockyard') {
  const { Docker } = await import('dockyard');
  const docker = new Docker({ apiVersion: '1.41' });
  for await (const chunk of docker.containers.get(CONTAINER).logs()) bytes += chunk.data.length;
  await docker.close();
} else if (client === 'dockerode') {
  const { default: Dockerode } = await import('dockerode');
  // follow: true makes dockerode hand out a stream (with follow: false it buffers the whole
  // log into one Buffer); the container has exited, so the stream ends after the last byte.
  const docker = new Dockerode({ socketPath: '/var/run/docker.sock', version: 'v1.41' });
  const stream = await docker.getContainer(CONTAINER).logs({ stdout: true, stderr: true, follow: true });
  const count = () => new Writable({ write(chunk, _enc, cb) { bytes += chunk.length; cb(); } });
  docker.modem.demuxStream(stream, count(), count());
  await new Promise((resolve, reject) => { stream.on('end', resolve); stream.on('error', reject); });
}
console.log(bytes);
