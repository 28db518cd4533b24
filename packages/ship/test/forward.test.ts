import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerError } from 'dockyard';
import { encodeMessage, MessageReader } from '../src/codec.js';
import { ForwardAuthError, ForwardError } from '../src/errors.js';
import { EventTime } from '../src/event-time.js';
import { forward, type ForwardSender } from '../src/forward.js';
import { Receiver, selfSignedCert } from './support/receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(options?: ConstructorParameters<typeof Receiver>[0]): Promise<Receiver> {
  const r = await new Receiver(options).start();
  cleanups.push(() => r.stop());
  return r;
}

function sender(options: Parameters<typeof forward>[0]): ForwardSender {
  const s = forward(options);
  cleanups.push(() => s.destroy());
  return s;
}

const T0 = 1_700_000_000;

async function sendMany(to: ForwardSender, count: number, tag = 'test'): Promise<void> {
  const acked: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    acked.push(to.send(tag, new EventTime(T0 + Math.floor(i / 1000), (i * 7919) % 1_000_000_000), { log: `line ${i}`, n: i }));
    if (to.full) await to.drain();
  }
  await Promise.all(acked);
}

describe('forward() against FluentServer', () => {
  it('sends PackedForward batches with acks; the receiver gets every record with its EventTime to the nanosecond', async () => {
    const r = await receiver();
    const to = sender({ port: r.port, ack: true, batch: { records: 100 } });
    await sendMany(to, 2500);
    expect(r.entries).toHaveLength(2500);
    expect(r.entries[1234]).toEqual({ tag: 'test', time: expect.objectContaining({ epoch: T0 + 1, nano: (1234 * 7919) % 1_000_000_000 }), record: { log: 'line 1234', n: 1234 } });
    expect(to.stats).toMatchObject({ records: 2500, connections: 1, pendingBytes: 0 });
    await to.close();
  });

  it('tags of every str size (fixstr, str8, str16, str32) in messages written in place, batch buffers reused after acks: every record arrives in order under its tag', async () => {
    const r = await receiver();
    // Small batches, so acked batches' buffers are reused many times over.
    const to = sender({ port: r.port, ack: true, batch: { records: 7 } });
    const tags = ['t', 'docker.'.padEnd(31, 'x'), 'é'.repeat(16), 'x'.repeat(255), 'y'.repeat(256), 'z'.repeat(70_000)];
    for (const tag of tags) await sendMany(to, 50, tag);
    expect(r.entries.map((e) => e.tag)).toEqual(tags.flatMap((tag) => Array(50).fill(tag)));
    expect(r.logs()).toEqual(tags.flatMap(() => Array.from({ length: 50 }, (_, i) => `line ${i}`)));
    await to.close();
  });

  it("eventTime 'seconds' sends integer times", async () => {
    const r = await receiver();
    const to = sender({ port: r.port, ack: true, eventTime: 'seconds' });
    await to.send('old', new EventTime(T0, 5), { log: 'x' });
    expect(r.entries).toEqual([{ tag: 'old', time: T0, record: { log: 'x' } }]);
  });

  it("compress 'gzip' sends gzip batches the receiver unpacks", async () => {
    const r = await receiver();
    const to = sender({ port: r.port, ack: true, compress: 'gzip', batch: { records: 300 } });
    await sendMany(to, 1000);
    expect(r.logs()).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${i}`));
  });

  it('a 40 000-byte line arrives as one record', async () => {
    const r = await receiver();
    const to = sender({ port: r.port, ack: true, batch: { bytes: 16 * 1024 } });
    const line = 'é'.repeat(10_000) + 'x'.repeat(20_000);
    await Promise.all([to.send('big', new EventTime(T0, 0), { log: 'before' }), to.send('big', new EventTime(T0, 1), { log: line }), to.send('big', new EventTime(T0, 2), { log: 'after' })]);
    expect(Buffer.byteLength(line)).toBe(40_000);
    expect(r.logs()).toEqual(['before', line, 'after']);
  });

  it('the shared-key handshake with username/password passes and the PONG digest is verified', async () => {
    const r = await receiver({ security: { serverHostname: 'receiver', sharedKey: 'secret', authorize: true, userDict: { alice: 'pw' } } });
    const to = sender({ port: r.port, ack: true, sharedKey: 'secret', username: 'alice', password: 'pw', hostname: 'shipper' });
    await sendMany(to, 10);
    expect(r.entries).toHaveLength(10);
  });

  it('a wrong shared key is refused clearly: every pending send rejects with ForwardAuthError', async () => {
    const r = await receiver({ security: { serverHostname: 'receiver', sharedKey: 'secret', authorize: false, userDict: {} } });
    const to = sender({ port: r.port, ack: true, sharedKey: 'wrong', hostname: 'shipper' });
    const error = await to.send('t', new EventTime(T0, 0), { log: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForwardAuthError);
    expect(error).toBeInstanceOf(DockerError);
    expect((error as Error).message).toBe('the receiver refused the handshake: shared key mismatch');
    expect(r.entries).toHaveLength(0);
  });

  it('a wrong password is refused clearly', async () => {
    const r = await receiver({ security: { serverHostname: 'receiver', sharedKey: 'secret', authorize: true, userDict: { alice: 'pw' } } });
    const to = sender({ port: r.port, ack: true, sharedKey: 'secret', username: 'alice', password: 'nope', hostname: 'shipper' });
    await expect(to.send('t', new EventTime(T0, 0), { log: 'x' })).rejects.toThrow(new ForwardAuthError('the receiver refused the handshake: username/password mismatch'));
  });

  it('TLS with a self-signed certificate the sender trusts', async () => {
    const { cert, key } = await selfSignedCert();
    const r = await receiver({ tlsOptions: { cert, key } });
    const to = sender({ port: r.port, ack: true, tls: { ca: cert } });
    await sendMany(to, 500);
    expect(r.entries).toHaveLength(500);
    const untrusting = sender({ port: r.port, ack: true, tls: true, reconnect: { initialDelayMs: 50, maxDelayMs: 50 } });
    const refused = await untrusting.send('t', new EventTime(T0, 0), { log: 'x' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForwardError);
    expect((refused as Error).message).toMatch(/^forward: TLS: the receiver's certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
  });

  it('the receiver stopped and restarted mid-stream: every record arrives', async () => {
    const r = await receiver();
    const to = sender({ port: r.port, ack: true, batch: { records: 50 }, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } });
    const acked: Array<Promise<void>> = [];
    for (let i = 0; i < 3000; i++) {
      acked.push(to.send('t', new EventTime(T0, i), { log: `line ${i}` }));
      if (i === 1000) {
        await r.waitFor(500);
        await r.stop();
      }
      if (i === 2000) await r.start();
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(acked);
    const got = new Set(r.logs());
    expect(Array.from({ length: 3000 }, (_, i) => `line ${i}`).filter((l) => !got.has(l))).toEqual([]);
    expect(to.stats.connections).toBeGreaterThanOrEqual(2);
  });
});

describe('forward() against a fake receiver', () => {
  it('a PONG whose digest does not match the shared key is refused (a receiver with another key)', async () => {
    const server = net.createServer((socket) => {
      const reader = new MessageReader();
      socket.write(encodeMessage(['HELO', { nonce: Buffer.from('0123456789abcdef'), auth: '', keepalive: true }]));
      socket.on('data', (data) => {
        for (const m of reader.push(data)) if (Array.isArray(m) && m[0] === 'PING') socket.write(encodeMessage(['PONG', true, '', 'impostor', 'f'.repeat(128)]));
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const to = sender({ port: (server.address() as net.AddressInfo).port, ack: true, sharedKey: 'secret', hostname: 'shipper' });
    await expect(to.send('t', new EventTime(T0, 0), { log: 'x' })).rejects.toThrow(new ForwardAuthError('the receiver answered with a wrong PONG digest: its shared key differs'));
  });

  it('ack: a batch not acked before its connection closed is resent on a new connection with the same chunk id; the ack is matched as an opaque string', async () => {
    const seen: Array<{ connection: number; chunk: string; size: number }> = [];
    let connections = 0;
    const server = net.createServer((socket) => {
      const connection = ++connections;
      const reader = new MessageReader();
      socket.on('data', (data) => {
        for (const m of reader.push(data) as Array<[string, Uint8Array, { chunk: string; size: number }]>) {
          seen.push({ connection, chunk: m[2].chunk, size: m[2].size });
          if (connection === 1) socket.destroy(); // dies without acking
          else socket.write(encodeMessage({ ack: m[2].chunk }));
        }
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { server.close(() => resolve()); }));
    const to = sender({ port: (server.address() as net.AddressInfo).port, ack: true, reconnect: { initialDelayMs: 10 } });
    await to.send('t', new EventTime(T0, 0), { log: 'x' });
    expect(seen).toHaveLength(2);
    expect(seen[0]?.connection).toBe(1);
    expect(seen[1]?.connection).toBe(2);
    expect(seen[1]?.chunk).toBe(seen[0]?.chunk);
    expect(Buffer.from(seen[0]?.chunk ?? '', 'base64')).toHaveLength(16);
    expect(to.stats).toMatchObject({ records: 1, resent: 1 });
  });
});
