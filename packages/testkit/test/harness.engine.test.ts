// Proves the harness: the engine answers on its unix socket, the test image runs, and logs
// of a non-TTY container come multiplexed with 8-byte frame headers. Plain undici, no SDK.
import { describe, expect, it } from 'vitest';
import { TEST_IMAGE, engineCall, testLabels, trackResources, uniqueName } from '../src/index.js';

const resources = trackResources();

/** Every 8-byte-header frame in a multiplexed byte buffer, as [stream byte, payload text]. */
function frames(bytes: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let at = 0;
  while (at < bytes.length) {
    expect(bytes.length - at).toBeGreaterThanOrEqual(8);
    const header = bytes.subarray(at, at + 8);
    expect([...header.subarray(1, 4)]).toEqual([0, 0, 0]);
    const size = header.readUInt32BE(4);
    out.push([header[0]!, bytes.subarray(at + 8, at + 8 + size).toString('utf8')]);
    at += 8 + size;
  }
  expect(at).toBe(bytes.length);
  return out;
}

describe('engine harness', () => {
  it('runs the test image and reads framed stdout and stderr logs over the unix socket', async () => {
    const name = uniqueName('harness');
    const created = await engineCall('POST', `/containers/create?name=${name}`, {
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo to-stdout; echo to-stderr >&2'],
      Labels: testLabels(),
    });
    expect(created.status, created.body.toString()).toBe(201);
    const { Id } = created.json<{ Id: string }>();
    resources.container(Id);

    expect((await engineCall('POST', `/containers/${Id}/start`)).status).toBe(204);
    const waited = await engineCall('POST', `/containers/${Id}/wait`);
    expect(waited.json()).toMatchObject({ StatusCode: 0 });

    const logs = await engineCall('GET', `/containers/${Id}/logs?stdout=1&stderr=1`);
    expect(logs.status).toBe(200);
    const got = frames(logs.body);
    expect(got).toContainEqual([1, 'to-stdout\n']);
    expect(got).toContainEqual([2, 'to-stderr\n']);
    expect(got).toHaveLength(2);
  });
});
