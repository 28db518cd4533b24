import { describe, expect, it } from 'vitest';
import { afterTimestamp } from '../src/fleet/fleet-logs.js';

describe('afterTimestamp', () => {
  it('is the nanosecond after an RFC 3339 nano log time, as the engine`s since takes it', () => {
    expect(afterTimestamp('2026-12-02T00:00:30.549385312Z')).toBe(`${Date.parse('2026-12-02T00:00:30Z') / 1000}.549385313`);
    expect(afterTimestamp('2026-12-02T00:00:30.999999999Z')).toBe(`${Date.parse('2026-12-02T00:00:31Z') / 1000}.000000000`);
    expect(afterTimestamp('2026-12-02T00:00:30.5Z')).toBe(`${Date.parse('2026-12-02T00:00:30Z') / 1000}.500000001`);
    expect(afterTimestamp('2026-12-02T01:00:30Z')).toBe(`${Date.parse('2026-12-02T01:00:30Z') / 1000}.000000001`);
    expect(afterTimestamp('2026-12-02T02:00:30.1+01:00')).toBe(`${Date.parse('2026-12-02T01:00:30Z') / 1000}.100000001`);
  });

  it('is undefined for what is not such a time', () => {
    expect(afterTimestamp('yesterday')).toBeUndefined();
    expect(afterTimestamp('')).toBeUndefined();
  });
});
