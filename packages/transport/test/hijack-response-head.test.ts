import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../src/errors.js';
import { MalformedResponseError, ResponseHeadTooLargeError } from '../src/hijack/protocol-errors.js';
import { type ParsedHead, ResponseHeadParser } from '../src/hijack/response-head-parser.js';

const UPGRADE =
  'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n';

function feed(parser: ResponseHeadParser, chunks: Uint8Array[]): { parsed: ParsedHead; tail: Buffer } {
  let parsed: ParsedHead | undefined;
  const after: Buffer[] = [];
  for (const chunk of chunks) {
    if (parsed) after.push(Buffer.from(chunk));
    else parsed = parser.push(chunk);
  }
  if (!parsed) throw new Error('head never completed');
  return { parsed, tail: Buffer.concat([Buffer.from(parsed.rest), ...after]) };
}

describe('ResponseHeadParser', () => {
  it('parses a 101 head and keeps the bytes after it', () => {
    const parser = new ResponseHeadParser();
    const result = parser.push(Buffer.from(`${UPGRADE}hello`));
    expect(result?.head).toEqual({
      statusCode: 101,
      statusMessage: 'UPGRADED',
      httpVersion: '1.1',
      headers: { 'content-type': 'application/vnd.docker.raw-stream', connection: 'Upgrade', upgrade: 'tcp' },
    });
    expect(Buffer.from(result?.rest ?? []).toString()).toBe('hello');
  });

  it('gives the same head and body start for the response split at every byte', () => {
    const bytes = Buffer.from(`${UPGRADE}\x01\x00\x00\x00\x00\x00\x00\x02hi`);
    const whole = new ResponseHeadParser().push(bytes);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { parsed, tail } = feed(new ResponseHeadParser(), [bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(parsed.head).toEqual(whole?.head);
      expect(tail.equals(bytes.subarray(UPGRADE.length))).toBe(true);
    }
  });

  it('parses a head delivered one byte at a time', () => {
    const bytes = Buffer.from(`${UPGRADE}xyz`);
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    const { parsed, tail } = feed(new ResponseHeadParser(), chunks);
    expect(parsed.head.statusCode).toBe(101);
    expect(tail.toString()).toBe('xyz');
  });

  it('accepts bare LF line ends, HTTP/1.0, an empty reason and repeated headers', () => {
    const result = new ResponseHeadParser().push(Buffer.from('HTTP/1.0 200 \nX-A: 1\nx-a:  2 \n\nbody'));
    expect(result?.head).toMatchObject({ statusCode: 200, statusMessage: '', httpVersion: '1.0', headers: { 'x-a': '1, 2' } });
    expect(Buffer.from(result?.rest ?? []).toString()).toBe('body');
  });

  it('rejects a garbage status line with a typed error', () => {
    expect(() => new ResponseHeadParser().push(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n\r\n'))).toThrow(MalformedResponseError);
    expect(() => new ResponseHeadParser().push(Buffer.from('HTTP/2 200 OK\r\n\r\n'))).toThrow(/malformed HTTP status line/);
    expect(() => new ResponseHeadParser().push(Buffer.from('HTTP/1.1 20 OK\r\n\r\n'))).toThrow(MalformedResponseError);
  });

  it('rejects a malformed header line, including obsolete line folding', () => {
    expect(() => new ResponseHeadParser().push(Buffer.from('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'))).toThrow(/header line/);
    expect(() => new ResponseHeadParser().push(Buffer.from('HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n'))).toThrow(
      MalformedResponseError,
    );
  });

  it('bounds an oversized header block that never ends', () => {
    const parser = new ResponseHeadParser(1024);
    parser.push(Buffer.from('HTTP/1.1 101 UPGRADED\r\n'));
    const filler = Buffer.from(`X-Filler: ${'a'.repeat(100)}\r\n`);
    let thrown: unknown;
    for (let i = 0; i < 20 && thrown === undefined; i++) {
      try {
        parser.push(filler);
      } catch (err) {
        thrown = err;
      }
    }
    expect(thrown).toBeInstanceOf(ResponseHeadTooLargeError);
    expect(thrown).toBeInstanceOf(ConnectionError);
  });

  it('bounds a complete head that is larger than the limit', () => {
    const head = `HTTP/1.1 200 OK\r\nX-Filler: ${'a'.repeat(2000)}\r\n\r\n`;
    expect(() => new ResponseHeadParser(1024).push(Buffer.from(head))).toThrow(ResponseHeadTooLargeError);
  });

  it('parses any valid head split anywhere into any number of chunks', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/);
    const value = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.uniqueArray(fc.tuple(token, value), { selector: ([n]) => n.toLowerCase(), maxLength: 8 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (status, headers, body, cuts, bareLf) => {
          const eol = bareLf ? '\n' : '\r\n';
          const text = `HTTP/1.1 ${status} Some Reason${eol}${headers.map(([n, v]) => `${n}: ${v}${eol}`).join('')}${eol}`;
          const bytes = Buffer.concat([Buffer.from(text, 'latin1'), body]);
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const p of [...points, bytes.length]) {
            if (p > from) chunks.push(bytes.subarray(from, p));
            from = Math.max(from, p);
          }
          const { parsed, tail } = feed(new ResponseHeadParser(), chunks);
          expect(parsed.head.statusCode).toBe(status);
          expect(parsed.head.statusMessage).toBe('Some Reason');
          expect(parsed.head.headers).toEqual(Object.fromEntries(headers.map(([n, v]) => [n.toLowerCase(), v])));
          expect(tail.equals(Buffer.from(body))).toBe(true);
        },
      ),
    );
  });
});
