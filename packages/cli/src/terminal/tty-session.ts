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
  /** Drops the connection, leaving the process running (a detach). */
  close(): Promise<void>;
}

/** How to connect: -i forwards stdin, -t means the remote side has a terminal. */
export interface SessionMode {
  interactive: boolean;
  tty: boolean;
}

const RESIZE_TRIES = 10;
// The detach keys, Ctrl-P Ctrl-Q, caught here as the docker CLI catches them: never sent, the
// connection dropped, the process left running. (Sent, the engine would end the exec's shell.)
const CTRL_P = 0x10;
const CTRL_Q = 0x11;

/** How a session ended. */
export interface SessionEnd {
  /** The person typed the detach keys: the process runs on, there is no exit code to wait for. */
  detached: boolean;
}

/**
 * Connects the local terminal to `remote` until its output ends: output bytes to stdout and
 * stderr as they come; with -i, every stdin byte to the process; with -i -t on a terminal, raw
 * mode (Ctrl-C, Ctrl-D and the arrows are bytes for the remote process, not signals for
 * dockyard), and the remote terminal follows the local window's size (SIGWINCH). Raw mode is
 * turned off on every way out: the end, an error, SIGTERM/SIGHUP, or process exit.
 */
export async function connectTerminal(remote: RemoteProcess, mode: SessionMode): Promise<SessionEnd> {
  const stdin = process.stdin;
  let raw = false;
  let heldCtrlP = false;
  let detached = false;
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
  const detach = () => {
    detached = true;
    stdin.pause();
    void remote.close().catch(() => undefined);
  };
  const onData = (input: Buffer) => {
    let data = input;
    if (mode.tty) {
      const kept: number[] = [];
      for (const byte of input) {
        if (heldCtrlP) {
          heldCtrlP = false;
          if (byte === CTRL_Q) return detach();
          kept.push(CTRL_P);
        }
        if (byte === CTRL_P) heldCtrlP = true;
        else kept.push(byte);
      }
      if (kept.length === 0) return;
      data = Buffer.from(kept);
    }
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
    try {
      for await (const chunk of remote.output) {
        await writeTo(chunk.stream === 'stderr' ? process.stderr : process.stdout, chunk.data);
      }
    } catch (err) {
      if (!detached) throw err; // a detach closes the output under the loop
    }
    return { detached };
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
