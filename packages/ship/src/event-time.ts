/**
 * Fluent Forward's EventTime: whole seconds and nanoseconds since the Unix epoch, sent as
 * MessagePack ext type 0 (`D7 00`, u32 seconds, u32 nanoseconds, big-endian).
 *
 * @example
 * ```ts
 * const t = EventTime.fromRfc3339('2024-05-01T10:00:00.123456789Z'); // { seconds: 1714557600, nanoseconds: 123456789 }
 * ```
 */
export class EventTime {
  /**
   * @param seconds Whole seconds since 1970-01-01T00:00:00Z (0 ≤ seconds < 2³²).
   * @param nanoseconds 0 ≤ nanoseconds < 10⁹.
   */
  constructor(
    readonly seconds: number,
    readonly nanoseconds: number,
  ) {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff) {
      throw new RangeError(`EventTime seconds must be an integer in [0, 2^32), got ${seconds}`);
    }
    if (!Number.isInteger(nanoseconds) || nanoseconds < 0 || nanoseconds > 999_999_999) {
      throw new RangeError(`EventTime nanoseconds must be an integer in [0, 1e9), got ${nanoseconds}`);
    }
  }

  /** The engine's RFC 3339 (nano) time, e.g. `2024-05-01T10:00:00.123456789Z`, to the nanosecond. */
  static fromRfc3339(text: string): EventTime {
    const match = RFC3339.exec(text);
    if (!match) throw new RangeError(`not an RFC 3339 time: ${JSON.stringify(text)}`);
    // Log lines come many per second: the whole-second part is parsed once per second seen.
    const whole = `${match[1]}${match[3]}`;
    let seconds: number;
    if (whole === lastWhole) seconds = lastSeconds;
    else {
      const ms = Date.parse(whole);
      if (Number.isNaN(ms)) throw new RangeError(`not an RFC 3339 time: ${JSON.stringify(text)}`);
      seconds = ms / 1000;
      lastWhole = whole;
      lastSeconds = seconds;
    }
    const fraction = match[2] ?? '';
    return new EventTime(seconds, fraction === '' ? 0 : Number(fraction.slice(1).padEnd(9, '0')));
  }

  /** A `Date` (millisecond precision). */
  static fromDate(date: Date): EventTime {
    const ms = date.getTime();
    return new EventTime(Math.floor(ms / 1000), (ms - Math.floor(ms / 1000) * 1000) * 1_000_000);
  }

  /** Nanoseconds since the epoch, exactly. */
  toBigInt(): bigint {
    return BigInt(this.seconds) * 1_000_000_000n + BigInt(this.nanoseconds);
  }

  /** `seconds.nanoseconds` (9 digits), the form the engine's `since` takes to the nanosecond. */
  toUnixString(): string {
    return `${this.seconds}.${String(this.nanoseconds).padStart(9, '0')}`;
  }
}

let lastWhole = '';
let lastSeconds = 0;
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
