import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { engineErrorMessage, errorFromStatus, mapRequestError } from '../src/error-mapping.js';
import {
  AbortError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  DockerError,
  ForbiddenError,
  NotFoundError,
  NotModifiedError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from '../src/errors.js';

describe('errorFromStatus', () => {
  it.each([
    [304, NotModifiedError],
    [400, BadRequestError],
    [401, UnauthorizedError],
    [403, ForbiddenError],
    [404, NotFoundError],
    [409, ConflictError],
    [500, ServerError],
    [503, ServerError],
    [418, ServerError],
  ])('maps %i to %s with that statusCode', (status, ErrorClass) => {
    const err = errorFromStatus(status, '{"message":"x"}', 'GET /x');
    expect(err).toBeInstanceOf(ErrorClass);
    expect(err).toBeInstanceOf(DockerError);
    expect(err.statusCode).toBe(status);
    expect(err.request).toBe('GET /x');
  });

  it("keeps the engine's JSON message verbatim, without a prefix", () => {
    const err = errorFromStatus(404, '{"message":"No such container: nope"}\n', 'GET /containers/nope/json');
    expect(err.message).toBe('No such container: nope');
  });

  it('keeps a text body as the message, trimmed', () => {
    expect(errorFromStatus(500, '  page not found\n', 'GET /x').message).toBe('page not found');
  });

  it('keeps JSON without a message as text', () => {
    expect(errorFromStatus(500, '{"error":"x"}', 'GET /x').message).toBe('{"error":"x"}');
  });

  it('says which request and status when the body is empty', () => {
    expect(engineErrorMessage(502, '', 'POST /containers/abc/start')).toBe(
      'The engine answered POST /containers/abc/start with HTTP 502 and no message.',
    );
  });
});

describe('mapRequestError', () => {
  const failed = { request: 'GET /events', timeout: 250 };

  it('reports a fired signal as AbortError with the reason as cause, whatever undici threw', () => {
    const controller = new AbortController();
    const reason = new Error('user went away');
    controller.abort(reason);
    const err = mapRequestError(new undiciErrors.SocketError('other side closed'), { ...failed, signal: controller.signal });
    expect(err).toBeInstanceOf(AbortError);
    expect(err.cause).toBe(reason);
  });

  it('maps the headers timeout and the connect timeout to TimeoutError', () => {
    const headers = mapRequestError(new undiciErrors.HeadersTimeoutError(), failed);
    expect(headers).toBeInstanceOf(TimeoutError);
    expect(headers.message).toContain('GET /events');
    expect(headers.message).toContain('250 ms');
    expect(mapRequestError(new undiciErrors.ConnectTimeoutError(), failed)).toBeInstanceOf(TimeoutError);
  });

  it('maps socket failures and a closed client to ConnectionError', () => {
    expect(mapRequestError(new undiciErrors.SocketError('other side closed'), failed)).toBeInstanceOf(ConnectionError);
    expect(mapRequestError(new undiciErrors.ClientDestroyedError(), failed)).toBeInstanceOf(ConnectionError);
    expect(mapRequestError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), failed)).toBeInstanceOf(ConnectionError);
  });

  it('maps undici aborts to AbortError', () => {
    expect(mapRequestError(new undiciErrors.RequestAbortedError(), failed)).toBeInstanceOf(AbortError);
  });

  it('passes DockerErrors and caller mistakes through unchanged', () => {
    const connection = new ConnectionError('no socket');
    expect(mapRequestError(connection, failed)).toBe(connection);
    const invalid = new undiciErrors.InvalidArgumentError('bad header');
    expect(mapRequestError(invalid, failed)).toBe(invalid);
    const type = new TypeError('nope');
    expect(mapRequestError(type, failed)).toBe(type);
  });
});
