import { linkAbort } from './abort-link.js';
import { TimeoutError } from './errors.js';

/**
 * The signal and timer of one request (internal): aborts when the caller's signal does (one
 * shared listener per caller signal, see `linkAbort`), or when `timeout` ms have passed since
 * the call began; then {@link expired} holds the `TimeoutError` to throw, whatever the abort
 * surfaced as. Our own timer: undici's `headersTimeout` (used before the transport had its
 * own HTTP client) ticked about once a second, so a 500 ms timeout fired after ~1 000 ms.
 */
export class CallDeadline {
  readonly #controller = new AbortController();
  readonly #unlink: () => void;
  readonly #request: string;
  readonly #timeout: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expired: TimeoutError | undefined;
  #headArrived = false;

  /** `request` is `METHOD /path`, for the message; `timeout` 0 means no limit. */
  constructor(callerSignal: AbortSignal | undefined, timeout: number, request: string) {
    this.#request = request;
    this.#timeout = timeout;
    this.#unlink = linkAbort(callerSignal, (reason) => this.#controller.abort(reason));
    if (timeout > 0 && !this.#controller.signal.aborted) this.#timer = setTimeout(this.#expire, timeout);
  }

  /** Aborts on the caller's abort or at the deadline: the signal the request's exchange (or socket) listens to. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The `TimeoutError` of a deadline that passed, else undefined. */
  get expired(): TimeoutError | undefined {
    return this.#expired;
  }

  /** The response head arrived: the timer goes on for a body read whole. */
  headArrived(): void {
    this.#headArrived = true;
  }

  /** The body is streamed, which is never timed out: the timer stops; the caller's signal still counts. */
  stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The call is over: the timer stops and the caller's signal is let go. */
  end(): void {
    this.stopTimer();
    this.#unlink();
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    this.#expired = new TimeoutError(
      this.#headArrived
        ? `${this.#request} did not complete within ${this.#timeout} ms (its \`timeout\`): the response body stalled. Raise the timeout for slow calls.`
        : `The engine sent no response head for ${this.#request} within ${this.#timeout} ms (its \`timeout\`). Raise the timeout for slow calls.`,
    );
    this.#controller.abort(this.#expired);
  };
}
