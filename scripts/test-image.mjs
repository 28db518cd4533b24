// The test image's build context, shared by the engine scripts (dockerd and Podman): the
// static busybox and a Dockerfile that installs its applets. Exec-form RUN needs no shell in
// the (scratch) base.
import { chmodSync, copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's busybox-static binary. */
export const BUSYBOX = '/bin/busybox';

/** Writes the test image's context into a new temp directory and returns its path (the caller removes it). */
export function testImageContext() {
  const dir = mkdtempSync(join(tmpdir(), 'dockyard-image-'));
  copyFileSync(BUSYBOX, join(dir, 'busybox'));
  chmodSync(join(dir, 'busybox'), 0o755);
  writeFileSync(
    join(dir, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /tmp /etc /root /usr/bin && chmod 1777 /tmp"]',
      'ENV PATH=/bin:/usr/bin',
      'CMD ["sh"]',
      '',
    ].join('\n'),
  );
  return dir;
}
