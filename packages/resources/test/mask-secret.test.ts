import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../src/index.js';
import { maskSecret, withoutSecret } from '../src/system/mask-secret.js';

describe('maskSecret', () => {
  it('leaves no occurrence of the secret, whatever the text and the secret', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 6 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }), (secret, parts) => {
        // The secret between every part, and parts that may complete it across a replacement.
        const text = parts.join(secret) + secret;
        expect(maskSecret(text, secret)).not.toContain(secret);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps text without the secret as it is', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (secret, text) => {
        fc.pre(!text.includes(secret));
        expect(maskSecret(text, secret)).toBe(text);
      }),
    );
  });

  it('masks a new occurrence a replacement makes (`a*` in `aa**`), and secrets of asterisks', () => {
    expect(maskSecret('aa**', 'a*')).not.toContain('a*');
    expect(maskSecret('x**y', '*')).toBe('xy');
    expect(maskSecret('password hunter2 failed', 'hunter2')).toBe('password *** failed');
  });
});

describe('withoutSecret', () => {
  it('keeps the class and status, masks message, stack and the cause chain', () => {
    const inner = new Error('inner pw=s3cret');
    const err = new UnauthorizedError('login with s3cret failed', { cause: inner });
    const out = withoutSecret(err, 's3cret') as UnauthorizedError;
    expect(out).toBeInstanceOf(UnauthorizedError);
    expect(out.statusCode).toBe(401);
    expect(out.message).toBe('login with *** failed');
    expect((out.cause as Error).message).toBe('inner pw=***');
    expect(`${out.stack}${(out.cause as Error).stack}`).not.toContain('s3cret');
  });
});
