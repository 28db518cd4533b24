import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type RecordingEngine, recordingEngine } from './support/recording-engine.js';

// The client finds its engine when it is made; its registry credentials must come from that
// same moment, not from whatever DOCKER_CONFIG says when a pull starts (issue 10, fault 9).
const scratch = mkdtempSync(join(tmpdir(), 'dockyard-envsnap-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A DOCKER_CONFIG directory whose config.json holds `user:password` for reg.example. */
function configDir(name: string, user: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const auth = Buffer.from(`${user}:pw-${user}`).toString('base64');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'reg.example': { auth } } }));
  return dir;
}

/** The credentials a pull sent, from its X-Registry-Auth header. */
async function pulledWith(engine: RecordingEngine): Promise<unknown> {
  engine.respond({ body: '{"status":"done"}\n' });
  await engine.docker.images.pull('reg.example/app:1').done();
  const header = engine.last().headers['x-registry-auth'] as string;
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
}

let engine: RecordingEngine | undefined;
const saved = process.env.DOCKER_CONFIG;
afterEach(async () => {
  if (saved === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = saved;
  await engine?.close();
  engine = undefined;
});

describe('the environment is read once, when the client is made', () => {
  it('DOCKER_CONFIG changed after new Docker(): credentials still come from the one it was made with', async () => {
    process.env.DOCKER_CONFIG = configDir('first', 'first');
    engine = await recordingEngine();
    process.env.DOCKER_CONFIG = configDir('second', 'second');
    expect(await pulledWith(engine)).toMatchObject({ username: 'first', password: 'pw-first' });
  });

  it('the configDir option names the directory outright, whatever DOCKER_CONFIG says', async () => {
    process.env.DOCKER_CONFIG = configDir('env', 'env');
    engine = await recordingEngine({ docker: { configDir: configDir('option', 'option') } });
    expect(engine.docker.transport.configDir).toBe(join(scratch, 'option'));
    expect(await pulledWith(engine)).toMatchObject({ username: 'option', password: 'pw-option' });
  });

  it('an env option is read at construction too (its DOCKER_CONFIG, changed later, does not count)', async () => {
    const env: Record<string, string | undefined> = { DOCKER_CONFIG: configDir('given', 'given') };
    engine = await recordingEngine({ docker: { env } });
    env.DOCKER_CONFIG = configDir('later', 'later');
    expect(await pulledWith(engine)).toMatchObject({ username: 'given' });
  });
});
