import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One context to write into a temporary context store. */
export interface ContextFixture {
  host: string;
  skipTLSVerify?: boolean;
  tls?: { ca?: string; cert?: string; key?: string };
  /** Write the meta.json keys in lower case (Go's JSON decoding accepts either). */
  lowerCaseKeys?: boolean;
}

/** A throwaway home directory with a `.docker` config directory, removed by `cleanup()`. */
export interface TempHome {
  home: string;
  /** `<home>/.docker` */
  dockerDir: string;
  /** Writes `<dir>/config.json`. */
  writeConfig(config: unknown, dir?: string): void;
  /** Writes a context into the store under `<dir>/contexts` (default `<home>/.docker`). */
  writeContext(name: string, context: ContextFixture, dir?: string): void;
  /** Writes PEM-looking files into `dir` (relative to home), returning its absolute path. */
  writeCertDir(relative: string, files: { ca?: string; cert?: string; key?: string }): string;
  /** A fresh directory under home (e.g. to act as DOCKER_CONFIG). */
  mkdir(relative: string): string;
  cleanup(): void;
}

/** Creates a {@link TempHome} under the OS temp directory. */
export function makeTempHome(): TempHome {
  const home = mkdtempSync(join(tmpdir(), 'dockyard-endpoint-'));
  const dockerDir = join(home, '.docker');
  mkdirSync(dockerDir);
  const writeFiles = (dir: string, files: { ca?: string; cert?: string; key?: string }): void => {
    mkdirSync(dir, { recursive: true });
    if (files.ca !== undefined) writeFileSync(join(dir, 'ca.pem'), files.ca);
    if (files.cert !== undefined) writeFileSync(join(dir, 'cert.pem'), files.cert);
    if (files.key !== undefined) writeFileSync(join(dir, 'key.pem'), files.key);
  };
  return {
    home,
    dockerDir,
    writeConfig(config, dir = dockerDir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
    },
    writeContext(name, context, dir = dockerDir) {
      const id = createHash('sha256').update(name).digest('hex');
      const metaDir = join(dir, 'contexts', 'meta', id);
      mkdirSync(metaDir, { recursive: true });
      const endpoint = context.lowerCaseKeys
        ? { host: context.host, skiptlsverify: context.skipTLSVerify ?? false }
        : { Host: context.host, SkipTLSVerify: context.skipTLSVerify ?? false };
      const meta = context.lowerCaseKeys
        ? { name, metadata: {}, endpoints: { docker: endpoint } }
        : { Name: name, Metadata: {}, Endpoints: { docker: endpoint } };
      writeFileSync(join(metaDir, 'meta.json'), JSON.stringify(meta));
      if (context.tls !== undefined) writeFiles(join(dir, 'contexts', 'tls', id, 'docker'), context.tls);
    },
    writeCertDir(relative, files) {
      const dir = join(home, relative);
      writeFiles(dir, files);
      return dir;
    },
    mkdir(relative) {
      const dir = join(home, relative);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}
