import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const POLL_MS = 50;
const MAX_POLLS = 1200; // a minute: a screen that never shows what is expected fails the test

/**
 * A terminal a person would look at: a detached tmux session on its own server, running one
 * shell command; keys go in with `send-keys`, the screen comes out with `capture-pane`.
 */
export class TmuxScreen {
  readonly #server: string;

  private constructor(server: string) {
    this.#server = server;
  }

  /**
   * Starts `command` (a shell command line) in a `width`×`height` window. When it exits, the
   * pane prints `EXITED=<code> TERMINAL=<raw|cooked>` (the terminal's mode as the command left
   * it) and stays, so its last screen can still be read.
   */
  static start(server: string, command: string, width = 120, height = 40): TmuxScreen {
    const screen = new TmuxScreen(server);
    const after = `code=$?; if stty -a | grep -q -- ' -icanon'; then mode=raw; else mode=cooked; fi; echo "EXITED=$code TERMINAL=$mode"; sleep 600`;
    // Ctrl-C goes to the whole foreground group: the shell around the command must outlive it.
    const wrapped = `trap : INT; ${command}; ${after}`;
    screen.#tmux('new-session', '-d', '-s', 'main', '-x', String(width), '-y', String(height), wrapped);
    return screen;
  }

  /** `send-keys`: key names (`Enter`, `C-c`) or literal text. */
  sendKeys(...keys: string[]): void {
    this.#tmux('send-keys', '-t', 'main', ...keys);
  }

  /** Types `text` and presses Enter. */
  type(text: string): void {
    this.#tmux('send-keys', '-t', 'main', '-l', text);
    this.sendKeys('Enter');
  }

  /** The visible screen, trailing blank lines dropped. */
  capture(): string {
    return this.#tmux('capture-pane', '-p', '-t', 'main').replace(/\n+$/, '');
  }

  /** The visible screen with its colour escapes (`capture-pane -e`). */
  captureWithEscapes(): string {
    return this.#tmux('capture-pane', '-p', '-e', '-t', 'main').replace(/\n+$/, '');
  }

  /** Resizes the window as a person dragging the terminal's corner would. */
  resize(width: number, height: number): void {
    this.#tmux('resize-window', '-t', 'main', '-x', String(width), '-y', String(height));
  }

  /**
   * Reads the screen until `ready` holds, handing every screen seen to `each` (if given), and
   * returns the screen that satisfied it. Throws with the last screen if it never does.
   */
  async waitFor(ready: (screen: string) => boolean, each?: (screen: string) => void): Promise<string> {
    let screen = '';
    for (let i = 0; i < MAX_POLLS; i++) {
      screen = this.capture();
      each?.(screen);
      if (ready(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`the screen never showed what was expected; last screen:\n${screen}`);
  }

  /** Ends the session and its server, and removes the server's socket file (tmux leaves it). */
  kill(): void {
    try {
      const socket = this.#tmux('display-message', '-p', '#{socket_path}').trim();
      this.#tmux('kill-server');
      if (socket) rmSync(socket, { force: true });
    } catch {}
  }

  #tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.#server, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
}
