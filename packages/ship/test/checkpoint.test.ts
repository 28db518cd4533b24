import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerError } from 'dockyard';
import { Checkpoint } from '../src/checkpoint.js';
import { CheckpointError } from '../src/errors.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'ship-checkpoint-'));

describe('Checkpoint', () => {
  it('a missing file is an empty checkpoint; saved positions load back; no temp file is left', async () => {
    const d = dir();
    const path = join(d, 'cp.json');
    const cp = await Checkpoint.load(path);
    expect(cp.positions.size).toBe(0);
    cp.advance('abc', { time: '2026-01-01T00:00:00.000000001Z', count: 2 });
    await cp.save();
    cp.advance('abc', { time: '2026-01-01T00:00:00.000000002Z', count: 1 });
    cp.advance('def', { time: '2026-01-01T00:00:01Z', count: 1 });
    await cp.save();
    const again = await Checkpoint.load(path);
    expect(Object.fromEntries(again.positions)).toEqual({ abc: { time: '2026-01-01T00:00:00.000000002Z', count: 1 }, def: { time: '2026-01-01T00:00:01Z', count: 1 } });
    expect(readdirSync(d)).toEqual(['cp.json']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('a forgotten entry is left out of the next write; forgetting one it does not hold writes nothing', async () => {
    const path = join(dir(), 'cp.json');
    const cp = await Checkpoint.load(path);
    cp.advance('gone', { time: '2026-01-01T00:00:00Z', count: 1 });
    cp.advance('kept', { time: '2026-01-01T00:00:01Z', count: 1 });
    await cp.save();
    cp.forget('gone');
    await cp.save();
    expect([...(await Checkpoint.load(path)).positions.keys()]).toEqual(['kept']);
    writeFileSync(path, 'replaced by hand');
    cp.forget('never-there');
    await cp.save();
    expect(readFileSync(path, 'utf8')).toBe('replaced by hand');
  });

  it('a file that is not a checkpoint is refused with CheckpointError, not taken as empty', async () => {
    const d = dir();
    for (const [name, text] of [['torn.json', '{"version":1,"contai'], ['other.json', '{"hello":1}'], ['bad.json', '{"version":1,"containers":{"x":{"time":5,"count":1}}}']]) {
      writeFileSync(join(d, name as string), text as string);
      const error = await Checkpoint.load(join(d, name as string)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error).toBeInstanceOf(DockerError);
    }
  });

  it('a file that cannot be written rejects with CheckpointError', async () => {
    const cp = await Checkpoint.load(join(dir(), 'missing-dir', 'cp.json'));
    cp.advance('abc', { time: '2026-01-01T00:00:00Z', count: 1 });
    await expect(cp.save()).rejects.toBeInstanceOf(CheckpointError);
  });
});
