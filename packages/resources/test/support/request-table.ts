import { expect, it } from 'vitest';
import type { CannedResponse, RecordedRequest, RecordingEngine } from './recording-engine.js';

/** One row of a request table: a call, and the request it must send (moby's container_logs_test.go). */
export interface RequestRow {
  /** The Engine API operationId the row covers. */
  op: string;
  /** What the row shows, when one operation has several rows. */
  name?: string;
  call: (e: RecordingEngine) => Promise<unknown>;
  method: string;
  path: string;
  /** The whole query, when given (`{}` for none). */
  query?: Record<string, string[]>;
  /** The body parsed as JSON, when given. */
  json?: unknown;
  /** The body as text, when given. */
  body?: string;
  /** Headers that must be present: a value, a pattern, or `true` for "present". */
  headers?: Record<string, string | RegExp | true>;
  /** What the engine answers (default 200 with `{}`); a function sees every request of the call. */
  respond?: CannedResponse | ((req: RecordedRequest) => CannedResponse);
}

/** Registers one test per row: run the call, then check the request it sent. */
export function requestTable(engine: () => RecordingEngine, rows: RequestRow[]): void {
  for (const row of rows) {
    it(`${row.op}${row.name ? `: ${row.name}` : ''} → ${row.method} ${row.path}`, async () => {
      const e = engine();
      e.respond(row.respond ?? { body: {} });
      const before = e.requests.length;
      await row.call(e);
      const sent = e.requests.slice(before).filter((r) => r.method === row.method && r.path === row.path);
      expect(sent.length, `no ${row.method} ${row.path} among ${e.requests.slice(before).map((r) => `${r.method} ${r.path}`).join(', ')}`).toBeGreaterThan(0);
      const req = sent.at(-1) as RecordedRequest;
      expect(req.version).toBe('1.41');
      if (row.query) expect(req.query).toEqual(row.query);
      if (row.json !== undefined) expect(req.json).toEqual(row.json);
      if (row.body !== undefined) expect(req.body).toBe(row.body);
      for (const [name, want] of Object.entries(row.headers ?? {})) {
        const got = req.headers[name.toLowerCase()];
        expect(got, `header ${name}`).toBeDefined();
        if (typeof want === 'string') expect(got).toBe(want);
        else if (want instanceof RegExp) expect(String(got)).toMatch(want);
      }
    });
  }
}

/** Registers one test per refusal: the call is refused by the version gate, naming option and version, before anything is sent. */
export function versionGateTable(
  engine: () => RecordingEngine,
  rows: Array<{ op: string; option: string; version: string; call: (e: RecordingEngine) => Promise<unknown> }>,
): void {
  for (const row of rows) {
    it(`${row.op}: \`${row.option}\` needs ${row.version}, refused on 1.41 before sending`, async () => {
      const e = engine();
      await e.docker.ping();
      const before = e.requests.length;
      const err = await row.call(e).catch((error: unknown) => error);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('BadRequestError');
      expect((err as Error).message).toContain(`\`${row.option}\``);
      expect((err as Error).message).toContain(row.version);
      expect(e.requests.length).toBe(before);
    });
  }
}

/** One multiplexed frame (8-byte header) of `stream` carrying `text`. */
export function frame(stream: 'stdout' | 'stderr', text: string): Buffer {
  const data = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream === 'stdout' ? 1 : 2;
  head.writeUInt32BE(data.length, 4);
  return Buffer.concat([head, data]);
}

/** Drains any async iterable. */
export async function drain(source: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of source) void _;
}
