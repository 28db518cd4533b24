import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A managed plugin's directory (`config.json` + `rootfs/`) that the engine can enable: a
 * plugin enables only once it listens on its unix socket, and busybox cannot, so the rootfs
 * holds socat and the shared libraries `ldd` names, echoing whatever it is sent
 * (`docker.dummy/1.0`, host network: the engine asks for that privilege at install).
 * `version` goes into `/etc/version`: two versions must differ, as the engine stores each
 * layer once and refuses to create one it already has.
 */
export function makeTestPluginDir(version = '1', socket = 'dy.sock'): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockyard-plugin-'));
  const rootfs = join(dir, 'rootfs');
  const socat = execFileSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' }).trim();
  const files = new Set<string>([socat]);
  for (const line of execFileSync('ldd', [socat], { encoding: 'utf8' }).split('\n')) {
    const path = /(\/\S+) \(0x/.exec(line)?.[1];
    if (path) files.add(path);
  }
  for (const file of files) {
    const target = join(rootfs, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target); // follows links: the rootfs gets the real files
    chmodSync(target, 0o755);
  }
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'cat'));
  chmodSync(join(rootfs, 'bin', 'cat'), 0o755);
  for (const d of ['run/docker/plugins', 'tmp', 'proc', 'dev', 'sys', 'etc']) mkdirSync(join(rootfs, d), { recursive: true });
  writeFileSync(join(rootfs, 'etc', 'version'), `${version}\n`);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      description: 'dockyard test plugin: socat echoing on its socket',
      documentation: 'https://example.invalid/dockyard',
      entrypoint: [socat, `UNIX-LISTEN:/run/docker/plugins/${socket},fork`, 'EXEC:/bin/cat'],
      interface: { types: ['docker.dummy/1.0'], socket },
      network: { type: 'host' },
      env: [{ name: 'DEBUG', description: 'a setting to configure', settable: ['value'], value: '0' }],
    }),
  );
  return dir;
}
