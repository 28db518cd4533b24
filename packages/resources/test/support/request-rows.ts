import { expect, it } from 'vitest';
import type { CannedResponse, RecordedRequest, RecordingEngine } from './recording-engine.js';

/**
 * One row of a request table: a call and the request it must send. The operation it covers
 * is named by a `// op: <OperationId>` comment on the row (read by `npm run api:coverage`).
 */
export interface RequestRow {
  name: string;
  call: (e: RecordingEngine) => Promise<unknown>;
  method: string;
  path: string;
  query?: Record<string, string[]>;
  json?: unknown;
  /** Header values that must be present (names lower-case). */
  headers?: Record<string, string>;
  /** The engine's answer for this row (default: whatever the file set with `respond`). */
  answer?: CannedResponse | ((req: RecordedRequest) => CannedResponse);
  /** Which of the call's requests to check when it makes several (default: the last). */
  pick?: (requests: RecordedRequest[]) => RecordedRequest | undefined;
}

/** Defines one test per row: runs the call against `engine()` and checks what it sent. */
export function requestRows(engine: () => RecordingEngine, rows: RequestRow[], version = '1.41'): void {
  for (const row of rows) {
    it(row.name, async () => {
      const e = engine();
      if (row.answer) e.respond(row.answer);
      const before = e.requests.length;
      await row.call(e);
      const sent = e.requests.slice(before);
      const req = row.pick ? row.pick(sent) : sent.at(-1);
      expect(req, 'the request was sent').toBeDefined();
      if (!req) return;
      expect(req.method).toBe(row.method);
      expect(req.path).toBe(row.path);
      expect(req.version).toBe(version);
      if (row.query) expect(req.query).toEqual(row.query);
      if (row.json !== undefined) expect(req.json).toEqual(row.json);
      for (const [name, value] of Object.entries(row.headers ?? {})) expect(req.headers[name]).toBe(value);
    });
  }
}
