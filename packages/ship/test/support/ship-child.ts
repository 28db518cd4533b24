// A shipper process for the crash tests: ships containers labelled ship.group=$GROUP (but not
// those named $SKIP) to 127.0.0.1:$PORT with a checkpoint at $CHECKPOINT; SIGTERM stops it.
import { Docker } from 'dockyard';
import { forward, ship } from '../../src/index.js';

const abort = new AbortController();
process.on('SIGTERM', () => abort.abort());
const docker = new Docker();
const shipper = ship({
  source: docker,
  include: { label: [`ship.group=${process.env.GROUP}`] },
  exclude: { name: [process.env.SKIP ?? ''] },
  to: forward({ port: Number(process.env.PORT), ack: true, batch: { records: 200 } }),
  checkpoint: process.env.CHECKPOINT,
  checkpointIntervalMs: 20,
  signal: abort.signal,
});
await shipper.done();
await docker.close();
process.exit(0);
