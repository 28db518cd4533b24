import { describe, expect, it } from 'vitest';
import { StreamError } from '../src/index.js';

const BRAND = Symbol.for('dockyard.DockerError');

/** The mechanism @dockyard/transport's DockerError uses to count branded errors as its own. */
class BrandCheckingError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

describe('StreamError', () => {
  it('carries the DockerError brand on its prototype, so DockerError instanceof holds', () => {
    const error = new StreamError('truncated frame: x');
    expect((error as unknown as Record<symbol, unknown>)[BRAND]).toBe(true);
    expect(Object.keys(error)).not.toContain(BRAND.toString());
    expect(error instanceof BrandCheckingError).toBe(true);
    expect(new Error('plain') instanceof BrandCheckingError).toBe(false);
  });

  it('is an Error named StreamError with no statusCode, the code DOCKYARD_STREAM, an optional engine code and cause', () => {
    const cause = new SyntaxError('bad');
    const error = new StreamError('no space left on device', { engineCode: 1, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StreamError');
    expect(error.message).toBe('no space left on device');
    expect(error.code).toBe('DOCKYARD_STREAM');
    expect(StreamError.code).toBe('DOCKYARD_STREAM');
    expect(error.engineCode).toBe(1);
    expect(error.cause).toBe(cause);
    expect('statusCode' in error && error.statusCode).toBeUndefined();
    expect(new StreamError('x').engineCode).toBeUndefined();
  });
});
