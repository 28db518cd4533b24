import type { Chunk } from 'dockyard';
import { writeTo } from './write.js';

/** A process in a container to connect the local terminal to: an exec, or an attached container. */
export interface RemoteProcess {
  output: AsyncIterable<Chunk>;
  /** Its stdin; forwarded only when the command was given -i. */
  write(data: Uint8Array): Promise<void>;
  /** Half-closes its stdin (local EOF). */
  end(): Promise<void>;
  /** Sets its terminal's size; used only with -t. */
  resize(size: { h: number; w: number }): Promise<void>;
}

/** How to connect: -i forwards stdin, -t means the remote side has a terminal. */
export interface SessionMode {
  interactive: boolean;
  tty: boolean;
}

const RESIZE_TRIES = 10;

/**
 * Connects the local terminal to `remote` until its output ends: output bytes to stdout and
 * stderr as they come; with -i, every stdin byte to the process; with -i -t on a terminal, raw
 * mode (Ctrl-C, Ctrl-D and the arrows are bytes for the remote process, not signals for
 * dockyard), and the remote terminal follows the local window's size (SIGWINCH). Raw mode is
 * turned off on every way out: the end, an error, SIGTERM/SIGHUP, or process exit.
 */
export async function connectTerminal(remote: RemoteProcess, mode: SessionMode): Promise<void> {
  const stdin = process.stdin;
  let raw = false;
  const restore = () => {
    if (raw) {
      raw = false;
      try {
        stdin.setRawMode(false);
      } catch {}
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.exit(signal === 'SIGHUP' ? 129 : 143);
  };
  const onResize = () => void resizeTo(remote, 1);
  const onData = (data: Buffer) => {
    // One write at a time: stdin waits while the socket is full.
    stdin.pause();
    remote.write(data).then(
      () => stdin.resume(),
      () => undefined, // the process is gone; its output ending ends the session
    );
  };
  const onEnd = () => void remote.end().catch(() => undefined);

  process.on('exit', restore);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    if (mode.tty && process.stdout.isTTY) {
      await resizeTo(remote, RESIZE_TRIES);
      process.stdout.on('resize', onResize);
    }
    if (mode.interactive) {
      if (mode.tty && stdin.isTTY) {
        stdin.setRawMode(true);
        raw = true;
      }
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    }
    for await (const chunk of remote.output) {
      await writeTo(chunk.stream === 'stderr' ? process.stderr : process.stdout, chunk.data);
    }
  } finally {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    if (mode.interactive) stdin.pause();
    process.stdout.off('resize', onResize);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    restore();
    process.off('exit', restore);
  }
}

/**
 * Sends the local window's size. Right after a start the engine may not have the process's
 * terminal yet and refuse: the docker CLI tries again a few times, and so does this.
 */
async function resizeTo(remote: RemoteProcess, tries: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await remote.resize({ h: process.stdout.rows, w: process.stdout.columns });
      return;
    } catch {
      if (attempt >= tries) return; // a wrong size is not worth ending the session for
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}
