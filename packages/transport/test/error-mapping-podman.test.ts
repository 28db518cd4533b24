import { describe, expect, it } from 'vitest';
import { errorFromStatus } from '../src/error-mapping.js';
import { ConflictError, ServerError } from '../src/errors.js';

// Bodies as Podman 4.3's Docker-compatible API sends them (captured from `podman system service`).
const STATE_IMPROPER =
  '{"cause":"container state improper","message":"cannot remove container cf91 as it is running - running or paused containers cannot be removed without force: container state improper","response":500}';
const NAME_IN_USE =
  '{"cause":"that name is already in use","message":"container create: creating container storage: the container name \\"web\\" is already in use by 65de. You have to remove that container to be able to reuse that name: that name is already in use","response":500}';

describe("errorFromStatus: Podman's 500 for a conflict", () => {
  it.each([
    ['container state improper', STATE_IMPROPER],
    ['that name is already in use', NAME_IN_USE],
  ])('cause "%s" is a ConflictError with the real status and the message verbatim', (_cause, body) => {
    const err = errorFromStatus(500, body, 'DELETE /containers/cf91');
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.statusCode).toBe(500);
    expect(err.message).toBe((JSON.parse(body) as { message: string }).message);
    expect(err.request).toBe('DELETE /containers/cf91');
  });

  it.each([
    ['another cause', '{"cause":"no such container","message":"x","response":500}'],
    ['a cause that is not a string', '{"cause":{"x":1},"message":"x"}'],
    ['the cause text in the message only', '{"message":"container state improper"}'],
    ['broken JSON mentioning "cause"', '{"cause":"container state improper"'],
  ])('%s stays a ServerError', (_name, body) => {
    expect(errorFromStatus(500, body, 'GET /x')).toBeInstanceOf(ServerError);
  });

  it('only a 500 is remapped: other statuses with that cause keep their class', () => {
    expect(errorFromStatus(503, STATE_IMPROPER, 'GET /x')).toBeInstanceOf(ServerError);
    expect(errorFromStatus(503, STATE_IMPROPER, 'GET /x')).not.toBeInstanceOf(ConflictError);
  });
});
