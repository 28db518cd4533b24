import { DockerError, type Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type { SystemAuthBody, SystemAuthResponse } from '../generated/engine-api.js';
import { callJson } from '../operation/handlers.js';

/**
 * `POST /auth`: checks credentials against a registry (the engine logs in on the caller's
 * behalf). Wrong credentials reject with the engine's error; the password is never part of
 * the error, its cause chain or its stack, whatever the engine echoes.
 */
export async function login(transport: Transport, auth: SystemAuthBody, options: CallOptions = {}): Promise<SystemAuthResponse> {
  try {
    return await callJson<SystemAuthResponse>(transport, { method: 'POST', path: '/auth', body: auth }, options);
  } catch (err) {
    throw withoutSecret(err, auth.password);
  }
}

/** A copy of `err` (same class, status and message) with every occurrence of `secret` masked, in its cause chain too. */
function withoutSecret(err: unknown, secret: string | undefined): unknown {
  if (!secret || !(err instanceof Error)) return err;
  const mask = (text: string): string => text.split(secret).join('***');
  const cause = err.cause === undefined ? undefined : withoutSecret(err.cause, secret);
  const statusCode = (err as { statusCode?: number }).statusCode;
  const Kind = (err instanceof DockerError ? err.constructor : Error) as new (message: string, options?: { statusCode?: number; cause?: unknown }) => Error;
  const out = new Kind(mask(err.message), { statusCode, cause });
  out.stack = mask(err.stack ?? '');
  return out;
}
