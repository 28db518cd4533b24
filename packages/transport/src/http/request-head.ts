/** What goes into the request line and headers of a request. */
export interface RequestHeadFields {
  method: string;
  /** The full request target: versioned path plus query string. */
  target: string;
  userAgent: string;
  /** Caller headers; they win over the defaults except `Connection` / `Upgrade`. */
  headers?: Record<string, string> | undefined;
  contentType?: string | undefined;
  /** Body length in bytes (0 sends `Content-Length: 0` only for POST), or `chunked` for a streamed body. */
  contentLength: number | 'chunked';
  /** A hijack: `Connection: Upgrade` and `Upgrade: tcp`, which caller headers cannot change. */
  upgrade: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;

/**
 * The HTTP/1.1 request head, ending in the blank line: for a hijack with `Connection: Upgrade`
 * and `Upgrade: tcp`, else a keep-alive request. Header names and values are checked so that
 * no caller value can inject a header or a second request.
 *
 * @example
 * ```ts
 * buildRequestHead({ method: 'POST', target: '/v1.41/exec/abc/start', userAgent: 'dockyard/0.1.0',
 *   contentType: 'application/json', contentLength: 29, upgrade: true });
 * ```
 */
export function buildRequestHead(fields: RequestHeadFields): string {
  const headers = new Map<string, [string, string]>();
  const set = (name: string, value: string): void => {
    if (!TOKEN.test(name)) throw new TypeError(`Invalid HTTP header name: ${JSON.stringify(name)}`);
    if (FORBIDDEN_IN_VALUE.test(value)) throw new TypeError(`Invalid value for HTTP header ${name}: it contains CR, LF or NUL`);
    headers.set(name.toLowerCase(), [name, value]);
  };
  set('Host', 'docker');
  set('User-Agent', fields.userAgent);
  if (fields.contentType !== undefined) set('Content-Type', fields.contentType);
  const length = fields.contentLength;
  if (length === 'chunked') set('Transfer-Encoding', 'chunked');
  else if (length > 0 || fields.method === 'POST' || fields.method === 'PUT') set('Content-Length', String(length));
  for (const [name, value] of Object.entries(fields.headers ?? {})) set(name, value);
  if (fields.upgrade) {
    set('Connection', 'Upgrade');
    set('Upgrade', 'tcp');
  }
  if (!fields.target.startsWith('/') || /[\s\0]/.test(fields.target)) {
    throw new TypeError(`Invalid request path: ${JSON.stringify(fields.target)}`);
  }
  let head = `${fields.method} ${fields.target} HTTP/1.1\r\n`;
  for (const [name, value] of headers.values()) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}
