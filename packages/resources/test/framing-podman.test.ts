import { describe, expect, it } from 'vitest';
import { framingFromHeaders } from '../src/framing.js';

const RAW = 'application/vnd.docker.raw-stream';
const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';

describe('framingFromHeaders: whose Content-Type decides', () => {
  it('dockerd from API 1.42: the Content-Type', () => {
    expect(framingFromHeaders({ 'content-type': RAW }, '1.45', 'docker')).toBe('raw');
    expect(framingFromHeaders({ 'content-type': MULTIPLEXED }, '1.45', 'docker')).toBe('multiplexed');
    expect(framingFromHeaders({ 'content-type': [MULTIPLEXED] }, '1.42', 'docker')).toBe('multiplexed');
  });

  it('dockerd below API 1.42: nothing (raw-stream is said for both)', () => {
    expect(framingFromHeaders({ 'content-type': RAW }, '1.41', 'docker')).toBeUndefined();
  });

  it('Podman, whatever version is pinned: nothing, from the detected engine or from its header', () => {
    // Podman 4.3 answers a pinned /v1.45 attach of a non-TTY container with raw-stream.
    expect(framingFromHeaders({ 'content-type': RAW }, '1.45', 'podman')).toBeUndefined();
    expect(framingFromHeaders({ 'content-type': MULTIPLEXED }, '1.55', 'podman')).toBeUndefined();
    expect(framingFromHeaders({ 'content-type': RAW, 'libpod-api-version': '4.3.1' }, '1.45', 'docker')).toBeUndefined();
  });
});
