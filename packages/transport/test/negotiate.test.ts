import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ApiVersionNegotiator,
  MAX_API_VERSION,
  UnsupportedApiVersionError,
  chooseApiVersion,
  compareApiVersions,
  parseApiVersion,
} from '../src/negotiate.js';

describe('compareApiVersions', () => {
  it('compares numerically, not as strings', () => {
    expect(compareApiVersions('1.9', '1.10')).toBeLessThan(0);
    expect(compareApiVersions('1.41', '1.5')).toBeGreaterThan(0);
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0);
    expect(compareApiVersions('1.41', 'v1.41')).toBe(0);
  });

  it('agrees with the order of (major, minor) pairs', () => {
    const version = fc.tuple(fc.nat(30), fc.nat(200));
    fc.assert(
      fc.property(version, version, ([a1, a2], [b1, b2]) => {
        const expected = Math.sign(a1 - b1 || a2 - b2);
        expect(Math.sign(compareApiVersions(`${a1}.${a2}`, `${b1}.${b2}`))).toBe(expected);
        expect(Math.sign(compareApiVersions(`${b1}.${b2}`, `${a1}.${a2}`))).toBe(0 - expected); // 0 - 0 is +0; -0 would fail toBe (Object.is)
      }),
    );
  });

  it('rejects what is not major.minor', () => {
    expect(parseApiVersion('1.41.2')).toBeUndefined();
    expect(parseApiVersion('latest')).toBeUndefined();
    expect(() => compareApiVersions('1', '1.41')).toThrow(TypeError);
  });
});

describe('chooseApiVersion', () => {
  it('takes the lower of the engine version and the client maximum', () => {
    expect(chooseApiVersion('1.41')).toBe('1.41');
    expect(chooseApiVersion('1.99')).toBe(MAX_API_VERSION);
    expect(chooseApiVersion('2.0')).toBe(MAX_API_VERSION);
  });

  it('takes the minimum when the engine reports nothing', () => {
    expect(chooseApiVersion(undefined)).toBe('1.24');
  });

  it('refuses an engine below 1.24, saying it is too old', () => {
    expect(() => chooseApiVersion('1.23')).toThrow(UnsupportedApiVersionError);
    expect(() => chooseApiVersion('1.9')).toThrow(/1\.9 is too old/);
    expect(chooseApiVersion('1.24')).toBe('1.24');
  });
});

describe('ApiVersionNegotiator', () => {
  it('shares one ping among concurrent callers and keeps the result', async () => {
    let pings = 0;
    let answer!: (v: string) => void;
    const negotiator = new ApiVersionNegotiator(() => {
      pings++;
      return new Promise((resolve) => {
        answer = resolve;
      });
    });
    const waiting = Array.from({ length: 8 }, () => negotiator.negotiate());
    expect(negotiator.version).toBeUndefined();
    answer('1.43');
    expect(await Promise.all(waiting)).toEqual(Array(8).fill('1.43'));
    expect(await negotiator.negotiate()).toBe('1.43');
    expect(negotiator.version).toBe('1.43');
    expect(pings).toBe(1);
  });

  it('does not keep a failed ping: the next call pings again', async () => {
    let pings = 0;
    const negotiator = new ApiVersionNegotiator(async () => {
      pings++;
      if (pings === 1) throw new Error('engine not up yet');
      return '1.41';
    });
    await expect(negotiator.negotiate()).rejects.toThrow('engine not up yet');
    expect(await negotiator.negotiate()).toBe('1.41');
    expect(pings).toBe(2);
  });

  it('never pings when pinned', async () => {
    const negotiator = new ApiVersionNegotiator(() => Promise.reject(new Error('must not ping')), 'v1.40');
    expect(negotiator.version).toBe('1.40');
    expect(await negotiator.negotiate()).toBe('1.40');
  });

  it('rejects a pinned value that is not a version', () => {
    expect(() => new ApiVersionNegotiator(async () => '1.41', 'latest')).toThrow(TypeError);
  });
});
