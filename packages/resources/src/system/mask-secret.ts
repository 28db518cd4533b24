import { DockerError } from '@dockyard/transport';

/**
 * `text` with no occurrence of `secret` left: each becomes `***` (or is dropped when `secret`
 * is made of asterisks), repeated until none is left, since a replacement can make a new one.
 */
export function maskSecret(text: string, secret: string): string {
  if (!secret) return text;
  const mask = '***'.includes(secret) ? '' : '***';
  let out = text;
  // Ends: each pass removes a character that is not `*` (or, with no mask, shortens the text).
  while (out.includes(secret)) out = out.split(secret).join(mask);
  return out;
}

/** A copy of `err` (same class and status) with `secret` masked in its message and stack, and in its cause chain. */
export function withoutSecret(err: unknown, secret: string | undefined): unknown {
  if (!secret || !(err instanceof Error)) return err;
  const cause = err.cause === undefined ? undefined : withoutSecret(err.cause, secret);
  const statusCode = (err as { statusCode?: number }).statusCode;
  const Kind = (err instanceof DockerError ? err.constructor : Error) as new (message: string, options?: { statusCode?: number; cause?: unknown }) => Error;
  const out = new Kind(maskSecret(err.message, secret), { statusCode, cause });
  out.stack = maskSecret(err.stack ?? '', secret);
  return out;
}
