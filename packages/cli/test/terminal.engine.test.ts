import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY, TEST_IMAGE, testLabels, trackResources, uniqueName } from '@dockyard/testkit';
import { DOCKYARD_BIN, docker, dockyard } from './support/processes.js';
import { TmuxScreen } from './support/tmux.js';

// The terminal parts, as a person sees them: dockyard runs in a real terminal (tmux), keys are
// typed into it and the screen is read back.

const resources = trackResources();
const [labelKey, labelValue] = Object.entries(testLabels())[0] as [string, string];
const testLabel = `${labelKey}=${labelValue}`;

let screen: TmuxScreen | undefined;
afterEach(() => screen?.kill());

/** Resolves once `sleep 100` runs in `container` (the docker CLI's view of its processes). */
async function sleepRunning(container: string): Promise<void> {
  while (!(await docker(['top', container])).stdout.toString().includes('sleep 100')) await new Promise((resolve) => setTimeout(resolve, 50));
}

function open(command: string, env: Record<string, string> = {}): TmuxScreen {
  const vars = Object.entries(env).map(([k, v]) => `${k}='${v}' `).join('');
  screen = TmuxScreen.start(uniqueName('tmux'), `${vars}${command}`);
  return screen;
}

const PROMPT = /^\/ # ?$/; // capture-pane drops trailing spaces
const lastLine = (s: string) => s.split('\n').at(-1) ?? '';

describe('exec -it and run -it in a terminal', () => {
  let container: string;
  beforeAll(async () => {
    container = resources.container(uniqueName('clitty'));
    const res = await docker(['run', '-d', '--name', container, '--label', testLabel, TEST_IMAGE, 'sleep', '600']);
    expect(res.code, res.stderr.toString()).toBe(0);
  });

  it('exec -it sh: computes on screen, follows a resize, Ctrl-C reaches the shell, exit code and terminal restored', async () => {
    const tty = open(`${DOCKYARD_BIN} exec -it ${container} sh`);
    await tty.waitFor((s) => PROMPT.test(lastLine(s)));
    tty.type('echo $((6*7))');
    await tty.waitFor((s) => s.split('\n').includes('42'));

    tty.type('stty size');
    await tty.waitFor((s) => s.split('\n').includes('40 120'));
    tty.resize(100, 30);
    tty.type('stty size');
    await tty.waitFor((s) => s.split('\n').includes('30 100'));

    // Ctrl-C is a byte for the container's terminal: it interrupts sleep, not dockyard.
    tty.type('sleep 100');
    await tty.waitFor((s) => lastLine(s).endsWith('sleep 100'));
    // The echo shows before the shell leaves its line editor (which reads ^C as a plain byte,
    // with the terminal's signals off): wait until sleep really runs, as a person would see it.
    await sleepRunning(container);
    tty.sendKeys('C-c');
    await tty.waitFor((s) => PROMPT.test(lastLine(s)) && s.includes('^C'));
    tty.type('echo still-$((1+1))-attached');
    await tty.waitFor((s) => s.split('\n').includes('still-2-attached'));

    tty.type('exit 5');
    const end = await tty.waitFor((s) => s.includes('EXITED='));
    expect(lastLine(end)).toBe('EXITED=5 TERMINAL=cooked');
  });

  it('the terminal is restored when the container dies under the session, and when dockyard is killed', async () => {
    const dying = resources.container(uniqueName('clitty'));
    await docker(['run', '-d', '--name', dying, '--label', testLabel, TEST_IMAGE, 'sleep', '600']);
    const tty = open(`${DOCKYARD_BIN} exec -it ${dying} sh`);
    await tty.waitFor((s) => PROMPT.test(lastLine(s)));
    await docker(['kill', dying]);
    const end = await tty.waitFor((s) => s.includes('EXITED='));
    expect(lastLine(end)).toMatch(/EXITED=\d+ TERMINAL=cooked$/); // after the prompt the shell left
    tty.kill();

    const killed = open(`sh -c 'echo PID=$$; exec ${DOCKYARD_BIN} exec -it ${container} sh'`);
    const first = await killed.waitFor((s) => PROMPT.test(lastLine(s)));
    const pid = Number(/PID=(\d+)/.exec(first)?.[1]);
    process.kill(pid, 'SIGTERM');
    const after = await killed.waitFor((s) => s.includes('EXITED='));
    expect(lastLine(after)).toMatch(/EXITED=143 TERMINAL=cooked$/);
  });

  it('Ctrl-P Ctrl-Q detaches: dockyard exits 0 at once, the shell in the container runs on', async () => {
    const tty = open(`${DOCKYARD_BIN} exec -it ${container} sh -c 'echo $$ > /tmp/detached.pid; exec sh'`);
    await tty.waitFor((s) => PROMPT.test(lastLine(s)));
    tty.sendKeys('C-p', 'x'); // Ctrl-P alone is passed on (with the key after it)
    tty.sendKeys('C-u');
    tty.type('echo not-yet');
    await tty.waitFor((s) => s.split('\n').includes('not-yet'));
    tty.sendKeys('C-p', 'C-q');
    const end = await tty.waitFor((s) => s.includes('EXITED='));
    expect(lastLine(end)).toMatch(/EXITED=0 TERMINAL=cooked$/);
    const alive = await docker(['exec', container, 'sh', '-c', 'kill -0 $(cat /tmp/detached.pid) && echo alive']);
    expect(alive.stdout.toString()).toBe('alive\n');
  });

  it('run --rm -it: a shell in a new container, its exit code, the container removed', async () => {
    const name = resources.container(uniqueName('clirunit'));
    const tty = open(`${DOCKYARD_BIN} run --rm -it --name ${name} --label ${testLabel} ${TEST_IMAGE} sh`);
    await tty.waitFor((s) => PROMPT.test(lastLine(s)));
    tty.type('stty size; echo $((6*7))');
    await tty.waitFor((s) => s.split('\n').includes('42') && s.split('\n').includes('40 120'));
    tty.type('exit 3');
    const end = await tty.waitFor((s) => s.includes('EXITED='));
    expect(lastLine(end)).toBe('EXITED=3 TERMINAL=cooked');
    expect((await docker(['inspect', name])).code).toBe(1);
  });
});

describe('live output', () => {
  it('colours the error prefix on a terminal, and not with NO_COLOR', async () => {
    const coloured = open(`${DOCKYARD_BIN} logs dockyard-cli-no-such-container`);
    await coloured.waitFor((s) => s.includes('EXITED='));
    expect(coloured.captureWithEscapes()).toContain('\x1b[31mdockyard:');
    coloured.kill();
    const plain = open(`${DOCKYARD_BIN} logs dockyard-cli-no-such-container`, { NO_COLOR: '1' });
    await plain.waitFor((s) => s.includes('EXITED='));
    expect(plain.captureWithEscapes()).not.toContain('\x1b[31m');
    expect(plain.capture()).toContain('dockyard: No such container');
  });

  it('stats: one table, redrawn in place as samples come, until Ctrl-C', async () => {
    const name = resources.container(uniqueName('clistats'));
    await docker(['run', '-d', '--name', name, '--label', testLabel, TEST_IMAGE, 'sleep', '600']);
    const tty = open(`${DOCKYARD_BIN} stats ${name}`);
    // The first table has no sample yet ('--'); a row with figures means it was drawn again.
    const sampled = await tty.waitFor((s) => new RegExp(`${name}\\s+\\d+\\.\\d\\d%`).test(s));
    expect(sampled.split('\n').filter((l) => l.startsWith('CONTAINER ID')).length).toBe(1);
    expect(sampled.split('\n').filter((l) => l.includes(name)).length).toBe(1);
    tty.sendKeys('C-c');
    const end = await tty.waitFor((s) => s.includes('EXITED='));
    expect(lastLine(end)).toMatch(/EXITED=0 TERMINAL=cooked$/); // after the ^C the terminal echoed
  });

  describe('pull, push, build of a multi-layer image', () => {
    const ref = `${REGISTRY.address}/${uniqueName('multilayer')}:1`;
    const config = mkdtempSync(join(tmpdir(), 'dockyard-cli-auth-'));
    const env = { DOCKER_CONFIG: config };
    let pushedLayers = 0;
    let pulledLayers: string[] = [];

    beforeAll(async () => {
      const auth = Buffer.from(`${REGISTRY.username}:${REGISTRY.password}`).toString('base64');
      writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [REGISTRY.address]: { auth } } }));
      const context = mkdtempSync(join(tmpdir(), 'dockyard-cli-ctx-'));
      mkdirSync(join(context, 'docker'));
      writeFileSync(
        join(context, 'docker', 'Build.dockerfile'),
        [`FROM ${TEST_IMAGE}`, 'ARG SEED', ...[1, 2, 3].map((n) => `RUN head -c 8000000 /dev/urandom > /layer${n} && echo $SEED > /seed${n}`)].join('\n'),
      );
      resources.image(ref);
      const built = await dockyard(['build', '-t', ref, '-f', 'docker/Build.dockerfile', '--build-arg', `SEED=${ref}`, '--label', testLabel, context]);
      expect(built.code, built.stderr.toString()).toBe(0);
      expect(built.stdout.toString()).toContain(`Successfully tagged ${ref}`);
      expect(built.stdout.toString()).not.toContain('\x1b[');

      const pushed = await dockyard(['push', ref], { env });
      expect(pushed.code, pushed.stderr.toString()).toBe(0);
      // Not a terminal: plain lines, one per step of each layer, no escapes.
      const pushLines = pushed.stdout.toString().split('\n');
      expect(pushed.stdout.toString()).not.toContain('\x1b[');
      pushedLayers = new Set(pushLines.filter((l) => /^[0-9a-f]{12}: (Pushed|Mounted from|Layer already exists)/.test(l)).map((l) => l.slice(0, 12))).size;
      expect(pushedLayers).toBeGreaterThanOrEqual(4);
      expect((await docker(['rmi', ref])).code).toBe(0);
    });

    it('pull on a terminal: one line per layer, redrawn in place while it runs', async () => {
      const tty = open(`${DOCKYARD_BIN} pull ${ref}`, env);
      const screens: string[] = [];
      const end = await tty.waitFor(
        (s) => s.includes('EXITED='),
        (s) => screens.push(s),
      );
      expect(lastLine(end)).toBe('EXITED=0 TERMINAL=cooked');
      const layerLines = (s: string) => s.split('\n').filter((l) => /^[0-9a-f]{12}: /.test(l));
      // Every screen, from the first to the last: never two lines for one layer.
      for (const s of screens) {
        const ids = layerLines(s).map((l) => l.slice(0, 12));
        expect(new Set(ids).size).toBe(ids.length);
      }
      // Seen while it ran: layers still on their way (a bar or a waiting state).
      expect(screens.some((s) => layerLines(s).some((l) => /Downloading|Extracting|Waiting|Pulling fs layer|Verifying/.test(l)))).toBe(true);
      // At the end: as many lines as the image has layers (a pull names them by blob, a push
      // by content, so only the counts compare), all done.
      pulledLayers = layerLines(end).map((l) => l.slice(0, 12));
      expect(pulledLayers.length).toBe(pushedLayers);
      expect(layerLines(end).every((l) => /: (Pull complete|Already exists)$/.test(l))).toBe(true);
      expect(end).toContain(`Status: Downloaded newer image for ${ref}`);
    });

    it('pull not on a terminal: plain lines, several per layer, no escapes', async () => {
      expect((await docker(['rmi', ref])).code).toBe(0);
      const pulled = await dockyard(['pull', ref], { env });
      expect(pulled.code, pulled.stderr.toString()).toBe(0);
      const out = pulled.stdout.toString();
      expect(out).not.toContain('\x1b[');
      expect(out).not.toContain('[=');
      const perLayer = pulledLayers.map((id) => out.split('\n').filter((l) => l.startsWith(`${id}: `)).length);
      expect(perLayer.length).toBe(pushedLayers);
      expect(perLayer.every((n) => n >= 1)).toBe(true);
      expect(perLayer.some((n) => n >= 3)).toBe(true);
      expect(out.split('\n').at(-2)).toBe(ref);
    });
  });
});
