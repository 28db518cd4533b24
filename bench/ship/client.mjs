// One measured client (run under GNU time by run.mjs). Prints the records acked.
//   node client.mjs dockyard SOCKET PORT CONTAINERS LINES   ship() from the replay engine
//   node client.mjs fluent-logger - PORT CONTAINERS LINES   @fluent-org/logger sending the same records
import { Docker } from 'dockyard';
import { forward, ship } from '@dockyard/ship';
import { textOf, timeOf } from './recording.mjs';

const [mode, socketPath, port, containers, lines] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6])];
const total = containers * lines;

if (mode === 'dockyard') {
  const docker = new Docker({ host: `unix://${socketPath}` });
  const abort = new AbortController();
  const to = forward({ port, ack: true });
  const shipper = ship({ source: docker, to, signal: abort.signal });
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      if (process.env.SHIP_BENCH_DEBUG) console.error(JSON.stringify({ ...to.stats, lastError: String(to.stats.lastError) }));
      if (to.stats.records >= total) {
        clearInterval(timer);
        resolve();
      }
    }, process.env.SHIP_BENCH_DEBUG ? 1000 : 10);
  });
  abort.abort();
  await shipper.done();
  await docker.close();
  console.log(to.stats.records);
} else {
  // Imported here only: the dockyard run's RSS does not carry this library.
  const { FluentClient, EventTime } = await import('@fluent-org/logger');
  const client = new FluentClient('', { socket: { host: '127.0.0.1', port }, ack: { ackTimeout: 30_000 }, eventMode: 'PackedForward', flushInterval: 20 });
  // In windows of 10 000 records: all 300 000 at once time out its acks.
  let acked = [];
  for (let c = 0; c < containers; c++) {
    for (let n = 0; n < lines; n++) {
      const t = timeOf(n);
      acked.push(client.emit(`bench-${c}`, { container_id: String(c), container_name: `/bench-${c}`, source: 'stdout', log: textOf(c, n) }, new EventTime(t.seconds, t.nanos)));
      if (acked.length === 10_000) {
        await Promise.all(acked);
        acked = [];
      }
    }
  }
  await Promise.all(acked);
  await client.disconnect();
  console.log(total);
}
process.exit(0);
