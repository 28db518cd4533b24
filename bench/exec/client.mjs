// One exec of `head -c $BYTES /dev/zero` in container $CONTAINER, read to the end through
// the client named in argv[2]; prints the payload bytes received.
import { Writable } from 'node:stream';

const [, , client] = process.argv;
const { CONTAINER, BYTES } = process.env;
const cmd = ['head', '-c', BYTES, '/dev/zero'];
let bytes = 0;

// Each client loads only its own library, so neither pays for the other's import.
if (client === 'dockyard') {
  const { Docker } = await import('dockyard');
  const docker = new Docker({ apiVersion: '1.41' });
  for await (const chunk of docker.containers.get(CONTAINER).exec(cmd)) bytes += chunk.data.length;
  await docker.close();
} else if (client === 'dockerode') {
  const { default: Dockerode } = await import('dockerode');
  const docker = new Dockerode({ socketPath: '/var/run/docker.sock', version: 'v1.41' });
  const exec = await docker.getContainer(CONTAINER).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const count = () => new Writable({ write(chunk, _enc, cb) { bytes += chunk.length; cb(); } });
  docker.modem.demuxStream(stream, count(), count());
  await new Promise((resolve, reject) => { stream.on('end', resolve); stream.on('close', resolve); stream.on('error', reject); });
}
console.log(bytes);
