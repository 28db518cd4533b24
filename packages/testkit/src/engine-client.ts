import { Client } from 'undici';
import { engineSocketPath } from './env.js';

/** A response from {@link engineCall}, its body read whole. */
export interface EngineResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = unknown>(): T;
}

let client: Client | undefined;

/** A plain undici client on the engine's unix socket, independent of the SDK under test. */
export function engineClient(): Client {
  client ??= new Client('http://localhost', { socketPath: engineSocketPath() });
  return client;
}

/** Closes the shared client (the test harness does it after each file). */
export async function closeEngineClient(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.close();
}

/** One engine call over the raw socket, body read whole; for setup, cleanup and checks. */
export async function engineCall(
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD',
  path: string,
  body?: unknown,
): Promise<EngineResponse> {
  const res = await engineClient().request({
    method,
    path,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return {
    status: res.statusCode,
    headers: res.headers,
    body: bytes,
    json: <T>() => JSON.parse(bytes.toString('utf8')) as T,
  };
}
