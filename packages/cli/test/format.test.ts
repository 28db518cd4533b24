import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuildContextError, ConflictError, NotFoundError, ServerError, StreamError } from 'dockyard';
import { UsageError } from '../src/command.js';
import { describeError, reportError, withExitCode } from '../src/errors.js';
import { filtersOf, formatOf, mapOf, splitKeyValue } from '../src/format/key-values.js';
import { timeArg } from '../src/format/time-arg.js';
import { ago, bytesSize, ellipsis, humanDuration, humanSize, shortId } from '../src/format/units.js';
import { renderTable } from '../src/terminal/table.js';

describe('sizes and durations as the docker CLI writes them', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1_990_000, '1.99MB'],
    [1_234_567_890, '1.23GB'],
  ])('humanSize(%d) = %s', (bytes, text) => expect(humanSize(bytes)).toBe(text));

  it.each([
    [316 * 1024, '316KiB'],
    [25_275_000_000, '23.54GiB'],
    [1024 * 1024, '1MiB'],
  ])('bytesSize(%d) = %s', (bytes, text) => expect(bytesSize(bytes)).toBe(text));

  it.each([
    [500, 'Less than a second'],
    [1000, '1 second'],
    [59_000, '59 seconds'],
    [60_000, 'About a minute'],
    [5 * 60_000, '5 minutes'],
    [3_600_000, 'About an hour'],
    [47 * 3_600_000, '47 hours'],
    [3 * 86_400_000, '3 days'],
    [20 * 86_400_000, '2 weeks'],
    [90 * 86_400_000, '3 months'],
    [800 * 86_400_000, '2 years'],
  ])('humanDuration(%d) = %s', (ms, text) => expect(humanDuration(ms)).toBe(text));

  it('ago, ellipsis, shortId', () => {
    expect(ago(1_000, 1_000_000 + 120_000)).toBe('2 minutes ago');
    expect(ellipsis('sh -c echo hi; echo there', 20)).toBe('sh -c echo hi; echo…');
    expect(ellipsis('short', 20)).toBe('short');
    expect(shortId('sha256:0123456789abcdef')).toBe('0123456789ab');
  });
});

describe('option values', () => {
  it('k=v splits at the first =, for any key without = and any value', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((k) => !k.includes('=')),
        fc.string(),
        (key, value) => {
          expect(splitKeyValue(`${key}=${value}`, '--x')).toEqual([key, value]);
        },
      ),
    );
  });

  it('a value without a key is a usage error, never a silent drop', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('=') || s.startsWith('=')),
        (item) => {
          expect(() => splitKeyValue(item, '--filter')).toThrow(UsageError);
        },
      ),
    );
  });

  it('repeated --filter collects into the engine filters object; --label maps, bare keys empty', () => {
    expect(filtersOf(['label=a=1', 'label=b', 'status=exited'])).toEqual({ label: ['a=1', 'b'], status: ['exited'] });
    expect(filtersOf([])).toBeUndefined();
    expect(mapOf(['a=1', 'flag'], '--label')).toEqual({ a: '1', flag: '' });
  });

  it('--format is json or table', () => {
    expect(formatOf(undefined)).toBe('table');
    expect(formatOf('json')).toBe('json');
    expect(() => formatOf('{{.ID}}')).toThrow(/unsupported --format/);
  });

  it('--since/--until: durations before now, dates converted, Unix seconds as given', () => {
    const now = 1_700_000_000_000;
    expect(timeArg('10m', '--since', now)).toBe('1699999400.000');
    expect(timeArg('1h30m', '--since', now)).toBe('1699994600.000');
    expect(timeArg('1500ms', '--since', now)).toBe('1699999998.500');
    expect(timeArg('2023-11-14T22:13:20Z', '--since', now)).toBe('1700000000.000');
    expect(timeArg('1700000000.5', '--since', now)).toBe('1700000000.5');
    expect(timeArg(undefined, '--since', now)).toBeUndefined();
    expect(() => timeArg('yesterday', '--since', now)).toThrow(UsageError);
  });

  it('any sum of duration parts is that long before now', () => {
    const parts = fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.constantFrom(['h', 3_600_000], ['m', 60_000], ['s', 1000])), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(parts, (list) => {
        const now = 1_700_000_000_000;
        const text = list.map(([n, [unit]]) => `${n}${unit}`).join('');
        const ms = list.reduce((sum, [n, [, size]]) => sum + n * size, 0);
        expect(timeArg(text, '--since', now)).toBe(((now - ms) / 1000).toFixed(3));
      }),
    );
  });
});

describe('errors: one line', () => {
  it('keeps the engine message verbatim and adds what to check', () => {
    expect(describeError(new NotFoundError('No such container: x'))).toBe(
      "No such container: x (check the name or ID with 'dockyard ps -a')",
    );
    expect(describeError(new StreamError('Head "http://r/v2/a/manifests/1": no basic auth credentials'))).toMatch(
      /no basic auth credentials \(check the registry credentials/,
    );
    expect(describeError(new ConflictError('Container abc is not running'))).toMatch(/\(check the container's state/);
  });

  it('a multi-line message becomes one line; a fault of dockyard itself points to DOCKYARD_DEBUG', () => {
    expect(describeError(new ServerError('first\n  second'))).toBe('first second');
    expect(describeError(new BuildContextError('The build context directory /x cannot be read.'))).toBe('The build context directory /x cannot be read.');
    expect(describeError(new TypeError('boom'))).toBe('boom (set DOCKYARD_DEBUG=1 for the stack trace)');
    expect(describeError(new UsageError('bad flag'))).toBe('bad flag');
  });

  it('exit codes: usage 125, a marked error its mark, else the command’s failure code', () => {
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(reportError(new UsageError('x'), 1)).toBe(125);
      expect(reportError(withExitCode(new Error('not found'), 127), 125)).toBe(127);
      expect(reportError(new NotFoundError('No such container: x'), 1)).toBe(1);
    } finally {
      process.stderr.write = write;
    }
  });
});

describe('tables', () => {
  it('columns left-aligned, three spaces apart, no borders, no trailing spaces', () => {
    expect(renderTable(['A', 'LONGER'], [['xxxx', 'y'], ['z', 'w']])).toBe('A      LONGER\nxxxx   y\nz      w\n');
    expect(renderTable(['ONLY'], [])).toBe('ONLY\n');
  });
});
