import type { Transport } from '@dockyard/transport';
import { describe, expect, it } from 'vitest';
import { FramingRule } from '../src/framing.js';

const RAW = 'application/vnd.docker.raw-stream';
const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';

/** A rule over a transport that negotiated (or pinned) `version` with `engine`; the output's TTY is `tty`. */
function rule(engine: 'docker' | 'podman', version: string, tty: boolean): { rule: FramingRule; pings: () => number } {
  let pings = 0;
  const transport = {
    apiVersion: version,
    negotiate: async () => version,
    detectEngine: async () => {
      pings++;
      return engine;
    },
  } as unknown as Transport;
  return { rule: new FramingRule(transport, async () => tty), pings: () => pings };
}

describe("FramingRule: Podman's Content-Type never decides", () => {
  it('dockerd from API 1.42: the Content-Type, plain or hijacked', async () => {
    expect(await rule('docker', '1.45', false).rule.of(RAW, undefined)).toBe('raw');
    expect(await rule('docker', '1.45', true).rule.ofHijack('multiplexed', undefined)).toBe('multiplexed');
  });

  it('Podman with a pinned 1.45: the TTY setting, whatever the Content-Type says', async () => {
    // Podman 4.3 answers a /v1.45 attach of a non-TTY container with raw-stream.
    expect(await rule('podman', '1.45', false).rule.of(RAW, undefined)).toBe('multiplexed');
    expect(await rule('podman', '1.45', false).rule.ofHijack('raw', undefined)).toBe('multiplexed');
    expect(await rule('podman', '1.45', true).rule.of(MULTIPLEXED, undefined)).toBe('raw');
    expect(await rule('podman', '1.55', true).rule.ofHijack('multiplexed', undefined)).toBe('raw');
  });

  it('the engine is asked only when the Content-Type would decide', async () => {
    const unknown = rule('podman', '1.45', true);
    expect(await unknown.rule.of('application/json', undefined)).toBe('raw');
    expect(unknown.pings()).toBe(0);
  });
});
