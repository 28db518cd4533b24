// The receiver, its own process: @fluent-org/logger's FluentServer (acks every chunk). It
// tells the runner its port, and counts nothing: the clients know when they are acked.
import { FluentServer } from '@fluent-org/logger';

const server = new FluentServer({ listenOptions: { host: '127.0.0.1', port: 0 } });
await server.listen();
process.send?.({ port: server.port });
process.on('disconnect', () => process.exit(0));
