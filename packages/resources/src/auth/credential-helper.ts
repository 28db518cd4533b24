import { spawn } from 'node:child_process';
import { DockerError } from '@dockyard/transport';
import type { RegistryAuth } from './registry-auth.js';

/** A credential helper (`docker-credential-<name>`) failed; the message never holds a secret. */
export class CredentialHelperError extends DockerError {
  static override readonly code: string = 'DOCKYARD_CREDENTIAL_HELPER';
}

const NOT_FOUND = /credentials not found/i;

/** Runs `docker-credential-<helper> <action>` with `input` on stdin; resolves its stdout. */
function runHelper(helper: string, action: 'get' | 'list', input: string): Promise<string> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        new CredentialHelperError(
          e.code === 'ENOENT'
            ? `The credential helper ${program} named in config.json is not on PATH: install it, or remove it from credsStore/credHelpers.`
            : `Could not run the credential helper ${program}: ${e.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve(stdout);
      const stderr = Buffer.concat(err).toString('utf8').trim();
      // docker-credential-helpers say "credentials not found" on stdout; only this test reads it.
      if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) return resolve('');
      // stdout may hold the secret (a helper can fail after printing it): it is never quoted.
      const said = stderr === '' ? '' : `: ${stderr.slice(0, 300)}`;
      reject(new CredentialHelperError(`The credential helper ${program} ${action} exited with code ${code}${said}`));
    });
    // A helper may exit without reading its input: the write then fails with EPIPE, and its
    // exit code (above) says what happened.
    child.stdin.on('error', ignore);
    child.stdin.end(input);
  });
}

/** Credentials for `serverUrl` from a helper, or undefined when it has none. */
export async function helperGet(helper: string, serverUrl: string): Promise<RegistryAuth | undefined> {
  const stdout = await runHelper(helper, 'get', serverUrl);
  if (!stdout.trim()) return undefined;
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new CredentialHelperError(`The credential helper docker-credential-${helper} answered something that is not JSON.`);
  }
  if (!parsed.Secret) return undefined;
  // The CLI's convention: a Username of "<token>" means the Secret is an identity token.
  if (parsed.Username === '<token>') return { identitytoken: parsed.Secret, serveraddress: serverUrl };
  return { username: parsed.Username ?? '', password: parsed.Secret, serveraddress: serverUrl };
}

/** The server URLs a helper holds credentials for. */
export async function helperList(helper: string): Promise<string[]> {
  const stdout = await runHelper(helper, 'list', '');
  if (!stdout.trim()) return [];
  try {
    return Object.keys(JSON.parse(stdout) as Record<string, string>);
  } catch {
    throw new CredentialHelperError(`The credential helper docker-credential-${helper} list answered something that is not JSON.`);
  }
}

function ignore(): void {}
