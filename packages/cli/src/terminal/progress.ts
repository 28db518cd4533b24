import type { ProgressMessage } from 'dockyard';
import { withExitCode } from '../errors.js';
import { type Colors, colorsFor } from './colors.js';

/** Shows a pull, push or build as it goes. */
export interface ProgressView {
  show(message: ProgressMessage): void;
  /** Leaves what is on screen as it is, cursor below it. */
  end(): void;
}

/**
 * On a terminal: one line per layer (per message `id`), redrawn in place as its status and
 * progress bar change, as `docker pull` shows them; lines without an `id` (and build output)
 * are printed once, below. Not on a terminal: one plain line per step of each layer, with the
 * byte-by-byte progress ticks left out.
 */
export async function progressView(out: NodeJS.WriteStream): Promise<ProgressView> {
  if (!out.isTTY) return new PlainView(out);
  const { createLogUpdate } = await import('log-update');
  return new LiveView(out, createLogUpdate(out), colorsFor(out));
}

/**
 * Shows `stream` on `out` to its end (without `out`, reads it silently). An in-band error
 * with a code (a build step's exit status) ends the command with that code, as the docker
 * CLI does.
 */
export async function showProgress(stream: AsyncIterable<ProgressMessage>, out: NodeJS.WriteStream | undefined): Promise<void> {
  const view = out ? await progressView(out) : { show: () => undefined, end: () => undefined };
  try {
    for await (const message of stream) view.show(message);
  } catch (err) {
    const code = (err as { engineCode?: unknown }).engineCode;
    throw typeof code === 'number' && Number.isInteger(code) && code > 0 && code < 256 ? withExitCode(err as Error, code) : err;
  } finally {
    view.end();
  }
}

const FINISHED = /^(Pull complete|Already exists|Download complete|Pushed|Layer already exists|Mounted from)/;

function layerLine(message: ProgressMessage, colors: Colors): string {
  const status = message.status ?? '';
  const shown = FINISHED.test(status) ? colors.green(status) : status;
  return `${message.id}: ${shown}${message.progress ? ` ${message.progress}` : ''}`;
}

type LogUpdate = ((...text: string[]) => void) & { done(): void };

class LiveView implements ProgressView {
  readonly #out: NodeJS.WriteStream;
  readonly #update: LogUpdate;
  readonly #colors: Colors;
  readonly #layers = new Map<string, string>();

  constructor(out: NodeJS.WriteStream, update: LogUpdate, colors: Colors) {
    this.#out = out;
    this.#update = update;
    this.#colors = colors;
  }

  show(message: ProgressMessage): void {
    if (message.id !== undefined && message.stream === undefined) {
      this.#layers.set(message.id, layerLine(message, this.#colors));
      this.#update([...this.#layers.values()].join('\n'));
      return;
    }
    const text = message.stream ?? (message.status !== undefined ? `${message.status}\n` : '');
    if (text === '') return;
    this.end();
    this.#out.write(text);
  }

  end(): void {
    if (this.#layers.size === 0) return;
    this.#update.done();
    this.#layers.clear();
  }
}

class PlainView implements ProgressView {
  readonly #out: NodeJS.WriteStream;

  constructor(out: NodeJS.WriteStream) {
    this.#out = out;
  }

  show(message: ProgressMessage): void {
    if (message.stream !== undefined) {
      this.#out.write(message.stream);
      return;
    }
    if (message.status === undefined) return;
    if (message.id === undefined) this.#out.write(`${message.status}\n`);
    // Ticks (Downloading, Extracting, Pushing with a byte count) are for a live bar only.
    else if (message.progressDetail?.current === undefined) this.#out.write(`${message.id}: ${message.status}\n`);
  }

  end(): void {}
}
