import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type HelperProcess, freePort, startHelper, waitForPort } from './tcp-proxy.js';

const run = promisify(execFile);

/** Debian's sshd on 127.0.0.1 with a host key and one authorized client key, all made at test time. */
export interface TestSshServer extends HelperProcess {
  port: number;
  /** An ssh client config (`ssh -F`) that trusts this server's host key and uses the client key. */
  clientConfig: string;
  /** The same, but with an empty known_hosts and strict checking: the host key is not trusted. */
  untrustedClientConfig: string;
}

/**
 * Starts `/usr/sbin/sshd -D -e -f <dir>/sshd_config` on a free loopback port, as the current
 * user (root here: PermitRootLogin prohibit-password, no PAM, StrictModes off for the temp dir).
 */
export async function startTestSshServer(dir: string): Promise<TestSshServer> {
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const clientKey = join(dir, 'client_ed25519');
  await Promise.all([
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dockyard-test-host', '-f', hostKey]),
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dockyard-test-client', '-f', clientKey]),
  ]);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${clientKey}.pub`));
  const port = await freePort();
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(
    sshdConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${readFileSync(`${hostKey}.pub`, 'utf8')}`);
  const emptyKnownHosts = join(dir, 'known_hosts_empty');
  writeFileSync(emptyKnownHosts, '');
  const clientConfigText = (known: string) =>
    [
      'Host 127.0.0.1',
      `  IdentityFile ${clientKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${known}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  LogLevel ERROR',
      '',
    ].join('\n');
  const clientConfig = join(dir, 'ssh_config');
  writeFileSync(clientConfig, clientConfigText(knownHosts));
  const untrustedClientConfig = join(dir, 'ssh_config_untrusted');
  writeFileSync(untrustedClientConfig, clientConfigText(emptyKnownHosts));

  const sshd = startHelper('/usr/sbin/sshd', ['-D', '-e', '-f', sshdConfig]);
  try {
    await waitForPort('127.0.0.1', port, sshd);
  } catch (error) {
    await sshd.stop();
    throw error;
  }
  return { ...sshd, port, clientConfig, untrustedClientConfig };
}

/** Pids of this process's direct children whose command is `ssh` (not sshd). */
export function sshChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "<pid> (<comm>) <state> <ppid> …": comm may hold spaces, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const [state, ppid] = stat
      .slice(close + 2)
      .split(' ')
      .slice(0, 2);
    if (comm === 'ssh' && Number(ppid) === process.pid && state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}
