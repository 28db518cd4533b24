import { describe, expect, it } from 'vitest';
import { buildRequestHead } from '../src/http/request-head.js';

const base = { upgrade: true as const, method: 'POST', target: '/v1.41/exec/abc/start', userAgent: 'dockyard/0.1.0', contentLength: 0 };

describe('buildRequestHead', () => {
  it('writes the request line, Host, User-Agent, body headers and the upgrade headers', () => {
    const head = buildRequestHead({ ...base, contentType: 'application/json', contentLength: 28 });
    expect(head).toBe(
      'POST /v1.41/exec/abc/start HTTP/1.1\r\nHost: docker\r\nUser-Agent: dockyard/0.1.0\r\nContent-Type: application/json\r\nContent-Length: 28\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
    );
  });

  it('lets caller headers replace defaults, but never Connection or Upgrade', () => {
    const head = buildRequestHead({ ...base, headers: { 'user-agent': 'me', connection: 'close', 'X-Registry-Auth': 'e30=' } });
    expect(head).toContain('user-agent: me\r\n');
    expect(head).not.toContain('dockyard/0.1.0');
    expect(head).toContain('X-Registry-Auth: e30=\r\n');
    expect(head).toContain('Connection: Upgrade\r\n');
    expect(head).not.toContain('close');
  });

  it('refuses header names, values and paths that could inject a header or a request', () => {
    expect(() => buildRequestHead({ ...base, headers: { 'X-A': 'v\r\nX-Injected: 1' } })).toThrow(TypeError);
    expect(() => buildRequestHead({ ...base, headers: { 'Bad Name': 'v' } })).toThrow(TypeError);
    expect(() => buildRequestHead({ ...base, target: '/x HTTP/1.1\r\nHost: evil' })).toThrow(TypeError);
    expect(() => buildRequestHead({ ...base, target: 'no-slash' })).toThrow(TypeError);
  });
});
