import { createHash, randomBytes } from 'node:crypto';
import { ForwardAuthError, ForwardDecodeError } from './errors.js';

/** What the client proves in its PING. */
export interface HandshakeCredentials {
  sharedKey: string;
  /** This side's hostname, sent in PING; it must differ from the receiver's. */
  hostname: string;
  username?: string;
  password?: string;
}

/** The HELO the receiver opens with: its nonce and, when it wants a user, the auth salt. */
export interface Helo {
  nonce: Uint8Array;
  authSalt: Uint8Array;
}

/** State of one connection's handshake: make the PING for a HELO, then check the PONG. */
export class Handshake {
  readonly #salt = randomBytes(16).toString('hex');
  #nonce: Uint8Array | undefined;

  constructor(readonly credentials: HandshakeCredentials) {}

  /** `['PING', hostname, salt, sha512_hex(salt + hostname + nonce + key), username, sha512_hex(auth_salt + username + password)]`. */
  ping(message: unknown): unknown[] {
    const helo = parseHelo(message);
    this.#nonce = helo.nonce;
    const { sharedKey, hostname, username = '', password = '' } = this.credentials;
    const keyDigest = sha512(this.#salt, hostname, helo.nonce, sharedKey);
    const passwordDigest = helo.authSalt.byteLength > 0 ? sha512(helo.authSalt, username, password) : '';
    return ['PING', hostname, this.#salt, keyDigest, helo.authSalt.byteLength > 0 ? username : '', passwordDigest];
  }

  /** Checks `['PONG', ok, reason, server_hostname, sha512_hex(salt + server_hostname + nonce + key)]`. */
  checkPong(message: unknown): void {
    if (!Array.isArray(message) || message[0] !== 'PONG' || message.length !== 5) {
      throw new ForwardDecodeError(`expected PONG from the receiver, got ${describe(message)}`);
    }
    const [, ok, reason, serverHostname, digest] = message as [string, unknown, unknown, unknown, unknown];
    if (ok !== true) throw new ForwardAuthError(`the receiver refused the handshake: ${String(reason)}`);
    if (typeof serverHostname !== 'string' || this.#nonce === undefined) throw new ForwardDecodeError('PONG without a server hostname');
    if (serverHostname === this.credentials.hostname) {
      throw new ForwardAuthError(`the receiver has this side's hostname (${serverHostname}): set a different hostname`);
    }
    const expected = sha512(this.#salt, serverHostname, this.#nonce, this.credentials.sharedKey);
    if (digest !== expected) throw new ForwardAuthError('the receiver answered with a wrong PONG digest: its shared key differs');
  }
}

/** Reads a HELO; the nonce and auth salt may come as bin or str. */
export function parseHelo(message: unknown): Helo {
  if (!Array.isArray(message) || message[0] !== 'HELO' || typeof message[1] !== 'object' || message[1] === null) {
    throw new ForwardDecodeError(`expected HELO from the receiver, got ${describe(message)}`);
  }
  const options = message[1] as { nonce?: unknown; auth?: unknown };
  return { nonce: bytesOf(options.nonce, 'nonce'), authSalt: options.auth === undefined || options.auth === null ? new Uint8Array(0) : bytesOf(options.auth, 'auth') };
}

function bytesOf(value: unknown, name: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new ForwardDecodeError(`HELO ${name} is neither bin nor str`);
}

function sha512(...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

function describe(message: unknown): string {
  const text = JSON.stringify(message, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v));
  return text === undefined ? String(message) : text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
