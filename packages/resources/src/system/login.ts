import type { Transport } from '@dockyard/transport';
import type { CallOptions } from '../call-options.js';
import type { SystemAuthBody, SystemAuthResponse } from '../generated/engine-api.js';
import { callJson } from '../operation/handlers.js';
import { withoutSecret } from './mask-secret.js';

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
