import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sinceNs } from '../src/follow-services.js';

describe('sinceNs (a `since` as the engine reads it, to the nanosecond)', () => {
  const now = Date.UTC(2026, 0, 1);
  it('Unix seconds with a fraction, RFC 3339, a Date, and Go durations before now', () => {
    expect(sinceNs(undefined)).toBeUndefined();
    expect(sinceNs('1700000000.000000001')).toBe(1_700_000_000_000_000_001n);
    expect(sinceNs(1700000000)).toBe(1_700_000_000_000_000_000n);
    expect(sinceNs('1700000000.5')).toBe(1_700_000_000_500_000_000n);
    expect(sinceNs('2023-11-14T22:13:20.000000007Z')).toBe(1_700_000_000_000_000_007n);
    expect(sinceNs('2023-11-14T23:13:20+01:00')).toBe(1_700_000_000_000_000_000n);
    expect(sinceNs(new Date(1_700_000_000_123))).toBe(1_700_000_000_123_000_000n);
    expect(sinceNs('10m', now)).toBe(BigInt(now - 600_000) * 1_000_000n);
    expect(sinceNs('1h30m', now)).toBe(BigInt(now - 5_400_000) * 1_000_000n);
    expect(sinceNs('1.5s', now)).toBe(BigInt(now - 1500) * 1_000_000n);
  });

  it('anything else is a TypeError', () => {
    for (const bad of ['', 'yesterday', '10x', '1h-', '2023-13-45']) expect(() => sinceNs(bad, now), bad).toThrow(TypeError);
  });

  it('any whole Unix time in seconds and nanoseconds reads back exactly', () => {
    fc.assert(fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.nat({ max: 999_999_999 }), (s, n) => {
      expect(sinceNs(`${s}.${String(n).padStart(9, '0')}`)).toBe(BigInt(s) * 1_000_000_000n + BigInt(n));
    }));
  });
});
