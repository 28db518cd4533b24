import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of a test PKI made with openssl: one CA, a server cert for 127.0.0.1, a client cert, and an unrelated CA. */
export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: trusting it must fail verification. */
  otherCaCert: string;
  /** A DOCKER_CERT_PATH-style directory: ca.pem, cert.pem (client), key.pem (client). */
  certPath: string;
  /** The same, but trusting `otherCaCert`. */
  wrongCaCertPath: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd });
}

async function makeCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}-key.pem`);
  const cert = join(dir, `${name}.pem`);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=dockyard test ${name}`], dir);
  return { cert, key };
}

async function makeSigned(
  dir: string,
  name: string,
  ca: { cert: string; key: string },
  extensions: string,
): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}-key.pem`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=dockyard test ${name}`], dir);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext], dir);
  return { cert, key };
}

/** Creates the PKI in `dir` (which must exist). */
export async function makeTestPki(dir: string): Promise<TestPki> {
  const [ca, other] = await Promise.all([makeCa(dir, 'ca'), makeCa(dir, 'other-ca')]);
  const [server, client] = await Promise.all([
    makeSigned(dir, 'server', ca, 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'),
    makeSigned(dir, 'client', ca, 'extendedKeyUsage=clientAuth\n'),
  ]);
  const certPath = join(dir, 'cert-path');
  const wrongCaCertPath = join(dir, 'wrong-ca-cert-path');
  for (const [target, caFile] of [
    [certPath, ca.cert],
    [wrongCaCertPath, other.cert],
  ] as const) {
    mkdirSync(target);
    await run('cp', [caFile, join(target, 'ca.pem')]);
    await run('cp', [client.cert, join(target, 'cert.pem')]);
    await run('cp', [client.key, join(target, 'key.pem')]);
  }
  return {
    dir,
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    otherCaCert: other.cert,
    certPath,
    wrongCaCertPath,
  };
}
