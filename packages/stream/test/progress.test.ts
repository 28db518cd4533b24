import { describe, expect, it } from 'vitest';
import { type ProgressMessage, progressStream, StreamError } from '../src/index.js';
import { bytes, outcome, rechunk, TrackedSource } from './support.js';

function body(...messages: unknown[]): TrackedSource<Uint8Array> {
  const text = messages.map((m) => `${typeof m === 'string' ? m : JSON.stringify(m)}\r\n`).join('');
  return new TrackedSource(rechunk(bytes(text), [7]), { hang: true });
}

describe('progressStream', () => {
  it('yields every message of a successful stream', async () => {
    const messages = [
      { status: 'Pulling from library/busybox', id: 'latest' },
      { status: 'Downloading', progressDetail: { current: 10, total: 100 }, progress: '[=>  ]', id: 'abc' },
      { status: 'Status: Downloaded newer image for busybox:latest' },
    ];
    const { items, error } = await outcome(progressStream(new TrackedSource([bytes(messages.map((m) => JSON.stringify(m)).join('\n'))])));
    expect(error).toBeUndefined();
    expect(items).toEqual(messages);
  });

  it('throws a StreamError with errorDetail message and code, after the messages before it', async () => {
    const source = body(
      { stream: 'Step 1/2 : FROM busybox\n' },
      { errorDetail: { code: 1, message: "The command '/bin/sh -c false' returned a non-zero code: 1" }, error: 'ignored text' },
      { stream: 'never seen' },
    );
    const { items, error } = await outcome(progressStream(source));
    expect(items).toEqual([{ stream: 'Step 1/2 : FROM busybox\n' }]);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ message: "The command '/bin/sh -c false' returned a non-zero code: 1", engineCode: 1 });
    expect(source.returned).toBe(1);
  });

  it('falls back to `error` when errorDetail has no message', async () => {
    const { error } = await outcome(progressStream(body({ error: 'manifest unknown' })));
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).message).toBe('manifest unknown');
    expect((error as StreamError).engineCode).toBeUndefined();
  });

  it('calls onAux with each aux value and still yields the message', async () => {
    const seen: unknown[] = [];
    const source = new TrackedSource([
      bytes('{"aux":{"ID":"sha256:abc"}}\n{"stream":"Successfully built abc\\n"}\n{"aux":{"Tag":"1","Digest":"sha256:d","Size":5}}\n'),
    ]);
    const items: ProgressMessage[] = [];
    for await (const m of progressStream(source, { onAux: (aux) => seen.push(aux) })) items.push(m);
    expect(seen).toEqual([{ ID: 'sha256:abc' }, { Tag: '1', Digest: 'sha256:d', Size: 5 }]);
    expect(items).toHaveLength(3);
  });

  it('refuses a message that is not a JSON object', async () => {
    const { error } = await outcome(progressStream(body('[1,2]')));
    expect(error).toBeInstanceOf(StreamError);
  });
});
