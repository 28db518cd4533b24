// Ship every container labelled ship=true to Fluentd / Fluent Bit on 127.0.0.1:24224, at
// least once, resuming from a checkpoint; Ctrl-C stops it once acked lines are checkpointed.
//   npx tsx examples/ship.ts [HOST:PORT] [CHECKPOINT]
import { Docker } from 'dockyard';
import { forward, ship } from '@dockyard/ship';

const [host = '127.0.0.1', port = '24224'] = (process.argv[2] ?? '').split(':').filter(Boolean);
const checkpoint = process.argv[3] ?? './ship-checkpoint.json';
const abort = new AbortController();
process.once('SIGINT', () => abort.abort());

const docker = Docker.fromEnv();
const shipper = ship({
  source: docker,
  include: { label: ['ship=true'] },
  to: forward({ host, port: Number(port), ack: true, tag: 'docker.{{.Name}}' }),
  checkpoint,
  signal: abort.signal,
});
(async () => {
  for await (const s of shipper.status({ intervalMs: 5000 })) {
    console.error(`${s.recordsPerSecond.toFixed(0)} records/s, lag ${s.lagMs ?? '-'} ms, ${s.containers.length} containers, ${s.connected ? 'connected' : 'not connected'}`);
  }
})();
try {
  await shipper.done();
} finally {
  await docker.close();
}
