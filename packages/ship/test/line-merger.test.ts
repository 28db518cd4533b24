import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Chunk } from 'dockyard';
import { LineMerger, type MergedLine, PART_SIZE } from '../src/line-merger.js';

/** Cuts a line's bytes into the engine's 16 KiB parts, each stamped with its time. */
function parts(stream: 'stdout' | 'stderr', text: string, time: string, newline: boolean): Chunk[] {
  const bytes = Buffer.from(text + (newline ? '\n' : ''));
  const out: Chunk[] = [];
  for (let at = 0; at < bytes.byteLength || at === 0; at += PART_SIZE) out.push({ stream, data: bytes.subarray(at, at + PART_SIZE), timestamp: time });
  return out;
}

const line = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'grapheme', minLength: 9000, maxLength: 30000 }));

describe('LineMerger', () => {
  it('joins the 16 KiB parts of interleaved stdout and stderr lines back, UTF-8 intact, with the first part time; with or without the last \\n (json-file or local)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('stdout' as const, 'stderr' as const), line), { minLength: 1, maxLength: 6 }), fc.boolean(), fc.array(fc.nat()), (lines, newline, order) => {
      // Interleave the streams' parts in some order, each stream's own order kept.
      const queues = { stdout: [] as Chunk[], stderr: [] as Chunk[] };
      lines.forEach(([stream, text], i) => {
        // A line is whole only with \n, or when its last part is short: skip the ambiguous case.
        const whole = newline || Buffer.byteLength(text) % PART_SIZE !== 0;
        if (whole) queues[stream].push(...parts(stream, text, `t${i}`, newline));
      });
      const expected = { stdout: [] as string[], stderr: [] as string[] };
      for (const [i, [stream, text]] of lines.entries()) if (newline || Buffer.byteLength(text) % PART_SIZE !== 0) expected[stream].push(`t${i} ${text}`);
      const merger = new LineMerger();
      const got: MergedLine[] = [];
      let k = 0;
      while (queues.stdout.length + queues.stderr.length > 0) {
        const pick = (order[k++] ?? 0) % 2 === 0 ? 'stdout' : 'stderr';
        const from = queues[pick].length > 0 ? queues[pick] : queues[pick === 'stdout' ? 'stderr' : 'stdout'];
        const result = merger.push(from.shift() as Chunk);
        if (result) got.push(result);
      }
      got.push(...merger.flush());
      for (const stream of ['stdout', 'stderr'] as const) {
        expect(got.filter((l) => l.stream === stream).map((l) => `${l.time} ${l.log}`)).toEqual(expected[stream]);
      }
    }), { numRuns: 50 });
  });

  it("newlineOnly (Podman): a line sent in pieces of any size, each with its own time, is one line with the first piece's time", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('stdout' as const, 'stderr' as const), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.array(fc.nat(), { maxLength: 4 })), { maxLength: 6 }), (lines) => {
      const merger = new LineMerger();
      merger.newlineOnly = true;
      const got: string[] = [];
      lines.forEach(([stream, text, cuts], i) => {
        const bytes = Buffer.from(`${text}\n`);
        const points = [...new Set(cuts.map((c) => c % bytes.byteLength))].filter((c) => c > 0).sort((a, b) => a - b);
        let from = 0;
        for (const [j, p] of [...points, bytes.byteLength].entries()) {
          const result = merger.message(stream, `t${i}.${j}`, bytes.subarray(from, p));
          from = p;
          if (result) got.push(`${result.stream} ${result.time} ${result.log}`);
        }
      });
      expect(merger.flush()).toEqual([]);
      expect(got).toEqual(lines.map(([stream, text], i) => `${stream} t${i}.0 ${text}`));
    }));
  });
});
