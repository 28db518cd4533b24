import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsOptions } from './endpoint.js';
import { ConnectionError } from './errors.js';

/**
 * TLS settings from the environment, by the docker CLI's rules (`cli/flags/options.go`):
 * TLS is on when `DOCKER_TLS_VERIFY` or `DOCKER_TLS` is non-empty (any value, even `0`; the
 * empty string means off); verification is on only with `DOCKER_TLS_VERIFY`. Returns
 * `undefined` when TLS is off.
 */
export function tlsFromEnv(env: Record<string, string | undefined>, configDir: string): TlsOptions | undefined {
  const verify = nonEmpty(env.DOCKER_TLS_VERIFY);
  if (!verify && !nonEmpty(env.DOCKER_TLS)) return undefined;
  return tlsFromCertPath(env, configDir, verify);
}

/**
 * Reads `ca.pem`, `cert.pem` and `key.pem` from `DOCKER_CERT_PATH` (default: the config
 * directory, `$DOCKER_CONFIG` or `~/.docker`), as the CLI does: `ca.pem` must be readable
 * (the CLI fails without it); `cert.pem` / `key.pem` are skipped when absent and used only as
 * a pair. Throws {@link ConnectionError} naming the file (never its content).
 */
export function tlsFromCertPath(env: Record<string, string | undefined>, configDir: string, verify: boolean): TlsOptions {
  const certPath = nonEmpty(env.DOCKER_CERT_PATH) ? (env.DOCKER_CERT_PATH as string) : configDir;
  const ca = readPem(join(certPath, 'ca.pem'), true);
  const cert = readPem(join(certPath, 'cert.pem'), false);
  const key = readPem(join(certPath, 'key.pem'), false);
  const tls: TlsOptions = { rejectUnauthorized: verify };
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined && key !== undefined) {
    tls.cert = cert;
    tls.key = key;
  }
  return tls;
}

/**
 * TLS settings of a context endpoint (`cli/context/docker/load.go`): TLS applies when the
 * context has TLS files or `SkipTLSVerify`; the CA replaces the system roots; cert and key
 * are used only as a pair.
 */
export function tlsFromContext(files: { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined, skipVerify: boolean): TlsOptions | undefined {
  if (files === undefined && !skipVerify) return undefined;
  const tls: TlsOptions = { rejectUnauthorized: !skipVerify };
  if (files?.ca !== undefined) tls.ca = files.ca;
  if (files?.cert !== undefined && files.key !== undefined) {
    tls.cert = files.cert;
    tls.key = files.key;
  }
  return tls;
}

function readPem(path: string, required: boolean): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (!required && code === 'ENOENT') return undefined;
    throw new ConnectionError(
      `TLS is on but ${path} cannot be read (${String(code ?? error)}). Set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem, or turn TLS off (unset DOCKER_TLS_VERIFY and DOCKER_TLS).`,
      { cause: error },
    );
  }
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}
