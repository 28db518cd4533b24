/** Options every one-shot call takes. */
export interface CallOptions {
  /** Aborting it cancels the request and closes its socket; the call rejects with `AbortError`. */
  signal?: AbortSignal;
  /**
   * Milliseconds the whole call may take (request, response and body), overriding the
   * client's `timeout`; 0 for no limit. Exceeded, the call rejects with `TimeoutError`.
   */
  timeout?: number;
}

/** Options every streaming call takes. */
export interface StreamOptions {
  /** Aborting it closes the socket at once; the loop then throws `AbortError`. */
  signal?: AbortSignal;
  /**
   * Milliseconds to wait for the response head, overriding the client's `timeout`; the
   * stream's body is never timed out (a followed log may be quiet for hours).
   */
  timeout?: number;
}
