import { homedir } from 'node:os';
import type { Duplex } from 'node:stream';
import { linkAbort } from './abort-link.js';
import { encodeBody } from './body.js';
import { CallDeadline } from './call-deadline.js';
import { openSocket } from './connect/open-socket.js';
import type { Endpoint, EndpointOptions } from './endpoint.js';
import { errorFromStatus, type FailedRequest, mapRequestError, transportClosedError } from './error-mapping.js';
import { dockerConfigDir } from './docker-config.js';
import { AbortError, ConnectionError, TimeoutError } from './errors.js';
import { hijackSocket } from './hijack/hijack.js';
import { ConnectionPool } from './http/connection-pool.js';
import { exchange } from './http/exchange.js';
import type { HijackedConnection } from './hijack/hijacked-connection.js';
import { ApiVersionNegotiator } from './negotiate.js';
import { encodeQuery, type Query } from './query.js';
import { DEFAULT_READ_WINDOW } from './read-stream.js';
import { EngineResponse, type TransportResponse } from './response.js';
import { resolveEndpoint } from './resolve-endpoint.js';
import { DEFAULT_USER_AGENT } from './user-agent.js';

/** Options of {@link Transport}: where the engine is (see `resolveEndpoint`) and how to talk to it. */
export interface TransportOptions extends EndpointOptions {
  /** Pin the API version (e.g. `'1.41'`): no ping. Default: `DOCKER_API_VERSION`, else negotiated. */
  apiVersion?: string;
  /** Milliseconds to wait for a connection (and TLS handshake); no limit by default. */
  connectTimeout?: number;
  /**
   * Milliseconds a request may take; no limit by default (0 = none). It bounds the whole call
   * when the body is read with `json()`, `text()`, `bytes()` or `dump()`, and only the response
   * head when the body is streamed (`body`), which is never timed out. Exceeded: `TimeoutError`.
   */
  timeout?: number;
  /** `User-Agent` header; default `dockyard/<version>`. */
  userAgent?: string;
  /** Most sockets kept open at once for ordinary requests (hijacked ones are extra); no limit by default. */
  maxConnections?: number;
}

/** One engine request. */
export interface RequestOptions {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** The unversioned path, segments already encoded (see `enginePath`), e.g. `/containers/abc/json`. */
  path: string;
  query?: Query;
  /** Plain object or array → JSON; `string`, `Uint8Array`, `AsyncIterable<Uint8Array>` or a Node `Readable` → as is. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Milliseconds the call may take (0 = no limit), as the transport's `timeout`, which it overrides. */
  timeout?: number;
  /** Prefix the path with `/v<apiVersion>` (default `true`; `false` for `/_ping`). */
  versioned?: boolean;
  /**
   * Bytes of a streamed `body` held unread before the socket is paused (default 256 KiB).
   * Smaller for many slow streams at once (followed logs), so each holds little while its
   * reader waits.
   */
  highWaterMark?: number;
}

/** One hijack (HTTP upgrade) request, e.g. `POST /exec/{id}/start` or `POST /containers/{id}/attach`. */
export interface HijackOptions {
  method: 'POST' | 'GET';
  path: string;
  query?: Query;
  /** Plain object → JSON; `string` or `Uint8Array` as is (a hijack body has to have a length). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  versioned?: boolean;
}

const DEFAULT_KEEP_ALIVE_MS = 4_000;
const SSH_KEEP_ALIVE_MS = 60_000;

interface PingResult {
  statusCode: number;
  apiVersion: string | undefined;
  engine: EngineKind;
  body: string;
}

/**
 * Which engine answers: `docker` (dockerd) or `podman` (Podman's Docker-compatible API, told
 * apart by the `Libpod-Api-Version` header it sends with every response).
 */
export type EngineKind = 'docker' | 'podman';

/**
 * Everything that touches the engine's socket: a pool of keep-alive connections on the
 * resolved endpoint, speaking HTTP/1.1 itself (each body is read straight off its socket), lazy single-flight API-version negotiation, error mapping into the
 * `DockerError` family, and hijacked (upgraded) connections for attach and exec.
 *
 * @example
 * ```ts
 * const transport = new Transport();                     // DOCKER_HOST, contexts, default socket
 * const res = await transport.request({ method: 'GET', path: '/containers/json', query: { all: true } });
 * const containers = await res.json();
 * await transport.close();
 * ```
 */
export class Transport {
  /** Where this transport connects. */
  readonly endpoint: Endpoint;
  /**
   * The docker CLI's configuration directory, fixed at construction (the `configDir` option,
   * else `$DOCKER_CONFIG` then, else `~/.docker`): registry credentials are read from here, so a
   * client uses the environment it was made in, like its endpoint.
   */
  readonly configDir: string;
  readonly #pool: ConnectionPool;
  readonly #negotiator: ApiVersionNegotiator;
  readonly #userAgent: string;
  readonly #timeout: number;
  readonly #connectTimeout: number | undefined;
  readonly #hijacked = new Set<Duplex>();
  readonly #brokenConnectionHint: string | undefined;
  #engine: EngineKind | undefined;
  #detecting: Promise<EngineKind> | undefined;
  #closed = false;

  /**
   * Resolves the endpoint (options, then the environment, as the docker CLI does); makes no
   * I/O. Throws `ConnectionError` for an unusable address and `TypeError` for an `apiVersion`
   * (or `DOCKER_API_VERSION`) that is not `major.minor`.
   */
  constructor(options: TransportOptions = {}) {
    const env = options.env ?? process.env;
    this.configDir = options.configDir ?? dockerConfigDir(env, options.homeDir ?? homedir());
    this.endpoint = resolveEndpoint({ ...options, configDir: this.configDir });
    const pinned = options.apiVersion ?? (env.DOCKER_API_VERSION || undefined);
    this.#negotiator = new ApiVersionNegotiator(() => this.#ping(), pinned);
    // With TLS 1.3 a server that refuses the client certificate does so after the handshake:
    // the first request then sees only a closed connection.
    this.#brokenConnectionHint =
      this.endpoint.kind === 'tcp' && this.endpoint.tls
        ? 'Over TLS this is also how an engine refuses the client certificate: check the certificate and key (DOCKER_CERT_PATH, or the tls option).'
        : undefined;
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.#timeout = options.timeout ?? 0;
    this.#connectTimeout = options.connectTimeout;
    this.#pool = new ConnectionPool(this.endpoint, {
      connectTimeout: this.#connectTimeout,
      maxConnections: options.maxConnections,
      // The engine sends no Keep-Alive hint: idle sockets are dropped after 4 s. Over ssh each
      // new socket is a new ssh login (seconds): keep those a minute instead.
      keepAliveMs: this.endpoint.kind === 'ssh' ? SSH_KEEP_ALIVE_MS : DEFAULT_KEEP_ALIVE_MS,
    });
  }

  #failedRequest(req: RequestOptions, timeout: number): FailedRequest {
    return { request: `${req.method} ${req.path}`, signal: req.signal, timeout, hint: this.#brokenConnectionHint };
  }

  /** Milliseconds a call may take by default (the `timeout` option); 0 for no limit. */
  get timeout(): number {
    return this.#timeout;
  }

  /** The API version in use: pinned, or negotiated once a request was made; else `undefined`. */
  get apiVersion(): string | undefined {
    return this.#negotiator.version;
  }

  /**
   * The engine behind the endpoint, as the version negotiation's ping found it: `'podman'`
   * when it sent `Libpod-Api-Version`, else `'docker'`; `undefined` before that ping (and with
   * a pinned `apiVersion`, until {@link detectEngine}).
   */
  get engine(): EngineKind | undefined {
    return this.#engine;
  }

  /**
   * Resolves with {@link engine}, pinging the engine once when it is not known yet (a pinned
   * `apiVersion` skips the negotiation's ping); concurrent callers share that ping.
   */
  detectEngine(options: { signal?: AbortSignal | undefined } = {}): Promise<EngineKind> {
    if (this.#engine !== undefined) return Promise.resolve(this.#engine);
    return this.#withSignal(
      () => {
        this.#detecting ??= this.#ping().then(
          () => {
            this.#detecting = undefined;
            // A ping answered without a usable status (3xx) says nothing of Podman.
            return this.#engine ?? 'docker';
          },
          (err: unknown) => {
            this.#detecting = undefined;
            throw err;
          },
        );
        return this.#detecting;
      },
      { method: 'HEAD', path: '/_ping' },
      options.signal,
    );
  }

  /**
   * Sockets this transport holds open right now: pooled connections plus hijacked ones.
   * Drops to 0 after {@link close}, and after an abort once the aborted socket is gone.
   */
  get openSockets(): number {
    return this.#pool.connected + this.#hijacked.size;
  }

  /**
   * Pings the engine (once, shared by concurrent callers) and returns the API version every
   * path will carry: the lower of the engine's and 1.55. Resolves at once when pinned. A
   * `signal` lets this caller stop waiting (`AbortError`); the shared ping goes on for others.
   */
  negotiate(options: { signal?: AbortSignal | undefined } = {}): Promise<string> {
    return this.#withSignal(() => this.#negotiator.negotiate(), { method: 'GET', path: '/_ping' }, options.signal);
  }

  /**
   * Sends one request. Resolves for 1xx, 2xx and 3xx (callers decide what 304 means); throws
   * the mapped `DockerError` for 4xx/5xx with the engine's message, `ConnectionError`,
   * `TimeoutError` or `AbortError`. `timeout` counts from here, the version negotiation
   * included: to the end of the body read with `json()`/`text()`/`bytes()`/`dump()`, or to the
   * response head when `body` is streamed.
   */
  request(req: RequestOptions): Promise<TransportResponse> {
    const timeout = req.timeout ?? this.#timeout;
    // No signal and no limit (the common streaming case): nothing to set up.
    const deadline = timeout > 0 || req.signal !== undefined ? new CallDeadline(req.signal, timeout, `${req.method} ${req.path}`) : undefined;
    const version = req.versioned === false ? undefined : this.#negotiator.version;
    if (req.versioned === false || version !== undefined) return this.#send(req, version, timeout, deadline);
    const negotiated = deadline === undefined ? this.#negotiator.negotiate() : this.#withSignal(() => this.#negotiator.negotiate(), req, deadline.signal);
    return negotiated.then(
      (v) => this.#send(req, v, timeout, deadline),
      (err: unknown) => {
        deadline?.end();
        throw deadline?.expired ?? err;
      },
    );
  }

  /**
   * Opens a fresh socket, sends `req` with `Connection: Upgrade` / `Upgrade: tcp` and returns
   * the hijacked connection once the engine answered `101` (or `200`). An error status throws
   * the mapped `DockerError` with the engine's message.
   */
  async hijack(req: HijackOptions): Promise<HijackedConnection> {
    this.#assertOpen(req.method, req.path);
    const version = req.versioned === false ? this.#negotiator.version : await this.#withSignal(() => this.#negotiator.negotiate(), req, req.signal);
    const target = (req.versioned === false ? req.path : `/v${version}${req.path}`) + encodeQuery(req.query);
    const { body, contentType } = encodeBody(req.body);
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('A hijack body must be a plain object (JSON), a string or a Uint8Array.');
    }
    const socket = await openSocket(this.endpoint, {
      ...(this.#connectTimeout === undefined ? {} : { connectTimeout: this.#connectTimeout }),
      ...(req.signal === undefined ? {} : { signal: req.signal }),
    });
    if (this.#closed) {
      socket.destroy();
      this.#assertOpen(req.method, req.path);
    }
    this.#hijacked.add(socket);
    socket.once('close', () => this.#hijacked.delete(socket));
    return hijackSocket({
      socket,
      method: req.method,
      target,
      path: req.path,
      userAgent: this.#userAgent,
      headers: req.headers,
      body,
      contentType,
      signal: req.signal,
      apiVersion: version,
    });
  }

  /**
   * Closes every socket (pooled and hijacked) at once; requests still running fail with
   * `ConnectionError`. Afterwards nothing of this transport keeps the process alive.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#hijacked) socket.destroy();
    this.#hijacked.clear();
    await this.#pool.close();
  }

  async #send(req: RequestOptions, version: string | undefined, timeout: number, deadline: CallDeadline | undefined): Promise<TransportResponse> {
    const path = version === undefined ? req.path : `/v${version}${req.path}`;
    const { body, contentType } = encodeBody(req.body);
    let response;
    try {
      this.#assertOpen(req.method, req.path);
      response = await exchange(this.#pool, {
        method: req.method,
        target: req.query === undefined ? path : path + encodeQuery(req.query),
        userAgent: this.#userAgent,
        headers: req.headers,
        body,
        contentType,
        // A per-call signal: the exchange's listener goes on it, never on a signal many calls share.
        signal: deadline?.signal,
        highWaterMark: req.highWaterMark ?? DEFAULT_READ_WINDOW,
      });
    } catch (err) {
      deadline?.end();
      throw deadline?.expired ?? this.#mapFailure(err, req, timeout);
    }
    deadline?.headArrived();
    const { head } = response;
    if (head.statusCode >= 400) {
      const failed = this.#failedRequest(req, timeout);
      let text: string;
      try {
        text = await new EngineResponse(head.statusCode, head.headers, response.body, req.method, req.path, req.signal, timeout).text();
      } catch (err) {
        throw deadline?.expired ?? mapRequestError(err, failed);
      } finally {
        deadline?.end();
      }
      throw errorFromStatus(head.statusCode, text, failed.request);
    }
    return new EngineResponse(head.statusCode, head.headers, response.body, req.method, req.path, req.signal, timeout, deadline);
  }

  // A request cut short by close() says so, whatever its socket reported.
  #mapFailure(err: unknown, req: RequestOptions, timeout: number): Error {
    const failed = this.#failedRequest(req, timeout);
    return this.#closed && !failed.signal?.aborted ? transportClosedError(failed.request, err) : mapRequestError(err, failed);
  }

  // HEAD /_ping; GET when HEAD is refused (404/405, old engines) or fails other than by the
  // connection (a GET would not fare better then). GET's API-Version counts whatever its status.
  async #ping(): Promise<string | undefined> {
    let head: PingResult | undefined;
    try {
      head = await this.#pingOnce('HEAD');
    } catch (err) {
      if (err instanceof ConnectionError || err instanceof TimeoutError || err instanceof AbortError) throw err;
    }
    if (head !== undefined && head.statusCode < 300) {
      this.#engine = head.engine;
      return head.apiVersion;
    }
    const get = await this.#pingOnce('GET');
    if (get.apiVersion !== undefined || get.statusCode < 300) this.#engine = get.engine;
    if (get.apiVersion !== undefined) return get.apiVersion;
    if (get.statusCode >= 400) throw errorFromStatus(get.statusCode, get.body, 'GET /_ping');
    return undefined;
  }

  // Shared by every request waiting for the version, so bounded by the client's timeout (each
  // waiting request also by its own).
  async #pingOnce(method: 'HEAD' | 'GET'): Promise<PingResult> {
    const deadline = this.#timeout > 0 ? new CallDeadline(undefined, this.#timeout, `${method} /_ping`) : undefined;
    try {
      let response;
      try {
        this.#assertOpen(method, '/_ping');
        response = await exchange(this.#pool, {
          method,
          target: '/_ping',
          userAgent: this.#userAgent,
          signal: deadline?.signal,
          highWaterMark: DEFAULT_READ_WINDOW,
        });
      } catch (err) {
        throw deadline?.expired ?? mapRequestError(err, { request: `${method} /_ping`, timeout: this.#timeout });
      }
      const { head } = response;
      const engine = head.headers['libpod-api-version'] === undefined ? 'docker' : 'podman';
      const body = await new EngineResponse(head.statusCode, head.headers, response.body, method, '/_ping', undefined, this.#timeout).text().catch(() => '');
      return { statusCode: head.statusCode, apiVersion: head.headers['api-version'], engine, body };
    } finally {
      deadline?.end();
    }
  }

  // A request waiting for the shared negotiation still honours its own signal (an aborted
  // request does not start one).
  #withSignal<T>(start: () => Promise<T>, req: { method: string; path: string }, signal: AbortSignal | undefined): Promise<T> {
    if (signal === undefined) return start();
    const aborted = (): AbortError => new AbortError(`${req.method} ${req.path} was aborted.`, { cause: signal.reason });
    if (signal.aborted) return Promise.reject(aborted());
    const promise = start();
    return new Promise<T>((resolve, reject) => {
      const unlink = linkAbort(signal, () => reject(aborted()));
      promise.then(
        (value) => {
          unlink();
          resolve(value);
        },
        (err: unknown) => {
          unlink();
          reject(err);
        },
      );
    });
  }

  #assertOpen(method: string, path: string): void {
    if (this.#closed) throw transportClosedError(`${method} ${path}`);
  }
}


