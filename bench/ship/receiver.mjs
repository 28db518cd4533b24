// The receiver, its own process: @fluent-org/logger's FluentServer (acks every chunk). It
// tells the runner its port. It counts nothing for the clients (they know when they are
// acked), only for the engine's own fluentd driver, which says nothing when it is done: the
// runner arms a tag ({ count: { tag, n } }) and gets back, once n records of that tag
// arrived, the seconds from the first to the last ({ counted: { tag, n, seconds } }).
import { FluentServer } from '@fluent-org/logger';

const server = new FluentServer({ listenOptions: { host: '127.0.0.1', port: 0 } });
/** @type {{ tag: string, n: number, seen: number, first: number, last: number } | undefined} */
let armed;
server.on('entry', (tag) => {
  if (armed === undefined || tag !== armed.tag) return;
  const now = performance.now();
  if (armed.seen === 0) armed.first = now;
  armed.last = now;
  if (++armed.seen === armed.n) {
    process.send?.({ counted: { tag, n: armed.seen, seconds: (armed.last - armed.first) / 1000 } });
    armed = undefined;
  }
});
process.on('message', (message) => {
  if (message?.count) armed = { tag: message.count.tag, n: message.count.n, seen: 0, first: 0, last: 0 };
  // How far it got (when the records stop coming).
  if (message?.progress && armed?.tag === message.progress) process.send?.({ progress: { tag: armed.tag, seen: armed.seen, seconds: (armed.last - armed.first) / 1000 } });
});
await server.listen();
process.send?.({ port: server.port });
process.on('disconnect', () => process.exit(0));
