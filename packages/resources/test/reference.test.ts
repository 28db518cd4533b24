import { describe, expect, it } from 'vitest';
import { formatReference, parseReference } from '../src/images/reference.js';
import { encodeTime } from '../src/time-value.js';
import type { Transport } from '@dockyard/transport';
import { FramingRule } from '../src/framing.js';
import { apiAtLeast } from '../src/operation/version-gate.js';
import { ContainerError } from '../src/container-error.js';
import { encodeRegistryAuth } from '../src/auth/registry-auth.js';

describe('parseReference', () => {
  it.each([
    ['busybox', { repository: 'busybox', tag: 'latest', digest: undefined }, 'busybox:latest'],
    ['busybox:1.36', { repository: 'busybox', tag: '1.36', digest: undefined }, 'busybox:1.36'],
    ['127.0.0.1:5000/app', { repository: '127.0.0.1:5000/app', tag: 'latest', digest: undefined }, '127.0.0.1:5000/app:latest'],
    ['127.0.0.1:5000/app:2', { repository: '127.0.0.1:5000/app', tag: '2', digest: undefined }, '127.0.0.1:5000/app:2'],
    ['app@sha256:abc', { repository: 'app', tag: undefined, digest: 'sha256:abc' }, 'app@sha256:abc'],
  ])('%s', (ref, parsed, formatted) => {
    expect(parseReference(ref)).toEqual(parsed);
    expect(formatReference(parseReference(ref))).toBe(formatted);
  });

  it('refuses an empty reference with a sentence', () => {
    expect(() => parseReference('')).toThrow(/image reference is required/);
  });
});

describe('encodeTime', () => {
  it('Date → Unix seconds, numbers and strings as given', () => {
    expect(encodeTime(new Date('2026-01-01T00:00:01.500Z'))).toBe('1767225601.500');
    expect(encodeTime(1700000000)).toBe('1700000000');
    expect(encodeTime('10m')).toBe('10m');
    expect(encodeTime(undefined)).toBeUndefined();
    expect(() => encodeTime(new Date('nope'))).toThrow(/Invalid Date/);
  });
});

describe('framing', () => {
  it('compares API versions numerically', () => {
    expect(apiAtLeast('1.41', '1.42')).toBe(false);
    expect(apiAtLeast('1.42', '1.42')).toBe(true);
    expect(apiAtLeast('1.100', '1.42')).toBe(true);
    expect(apiAtLeast('2.0', '1.42')).toBe(true);
    expect(apiAtLeast(undefined, '1.42')).toBe(false);
  });

  it('trusts Content-Type only from API 1.42 on, else the TTY setting decides', async () => {
    let lookups = 0;
    const rule = (version: string, tty: boolean) =>
      new FramingRule({ apiVersion: version, negotiate: async () => version, detectEngine: async () => 'docker' } as unknown as Transport, async () => {
        lookups++;
        return tty;
      });
    expect(await rule('1.41', false).of('application/vnd.docker.raw-stream', undefined)).toBe('multiplexed');
    expect(await rule('1.41', true).of('application/vnd.docker.raw-stream', undefined)).toBe('raw');
    expect(await rule('1.43', false).of('application/vnd.docker.raw-stream', undefined)).toBe('raw');
    expect(await rule('1.43', true).of('application/vnd.docker.multiplexed-stream', undefined)).toBe('multiplexed');
    expect(await rule('1.43', true).of('application/json', undefined)).toBe('raw');
    expect(await rule('1.41', false).beforeRequest(undefined)).toBe('multiplexed');
    expect(await rule('1.43', false).beforeRequest(undefined)).toBeUndefined();
    const once = rule('1.41', true);
    lookups = 0;
    await once.fromTty(undefined);
    await once.of(undefined, undefined);
    expect(lookups).toBe(1);
  });
});

describe('ContainerError', () => {
  it('names image, command, exit code and the end of stderr', () => {
    const err = new ContainerError({ exitCode: 2, stderr: 'a\nb\nc\nd\ne\nf\nlast\n', command: ['make', 'test'], image: 'busybox', containerId: '0123456789abcdef' });
    expect(err.message).toContain('0123456789ab (busybox)');
    expect(err.message).toContain('["make","test"]');
    expect(err.message).toContain('code 2');
    expect(err.message).toContain('last');
    expect(err.message).not.toContain('\na\n');
    expect(err.exitCode).toBe(2);
  });
});

describe('encodeRegistryAuth', () => {
  it('is URL-safe base64 JSON with padding kept (engines decode it with a padded decoder)', () => {
    const value = encodeRegistryAuth({ username: 'u', password: 'p?>' });
    expect(value).not.toMatch(/[+/]/);
    expect(value.length % 4).toBe(0);
    expect(JSON.parse(Buffer.from(value, 'base64url').toString())).toEqual({ username: 'u', password: 'p?>' });
    expect(encodeRegistryAuth({ username: 'ab' })).toMatch(/=$/);
  });
});
