import { afterAll, describe, expect, it } from 'vitest';
import { trackResources, uniqueName } from '@dockyard/testkit';
import { Docker } from 'dockyard';
import { forward } from '../src/forward.js';
import { ship } from '../src/ship.js';
import { createContainer, IDLE } from './support/engine.js';
import { type Received, Receiver } from './support/receiver.js';

const resources = trackResources();
const docker = new Docker();
afterAll(() => docker.close());

const TAG = 'docker.{{.Name}}.{{.ID}}.{{.FullID}}.{{.ImageName}}.{{.ImageID}}.{{.DaemonName}}';

function comparable(entries: Received[]): string[] {
  return entries
    .map((e) => JSON.stringify([typeof e.time === 'number' ? e.time : [e.time.epoch, e.time.nano], e.tag, Object.entries(e.record).sort()]))
    .sort();
}

describe("ship() against Docker's own fluentd driver (the oracle)", () => {
  it('same tags, same records, same EventTime to the nanosecond', async () => {
    const viaDriver = await new Receiver().start();
    const viaShip = await new Receiver().start();
    resources.defer(() => viaDriver.stop());
    resources.defer(() => viaShip.stop());
    const group = uniqueName('oracle');
    const lines = 150;
    const c = await createContainer(docker, resources, {
      Cmd: ['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do echo "out $i  tabs	and ünïcödé"; echo "same $i" >&2; echo "same $i"; i=$((i+1)); done; echo; ${IDLE}`],
      Env: ['SHIP_ENV=from-env', 'OTHER=x'],
      Labels: { 'ship.group': group, 'ship.extra': 'label-value' },
      HostConfig: {
        LogConfig: {
          Type: 'fluentd',
          // Never fluentd-request-ack here: it crosses acks and has crashed dockerd 20.10.
          Config: { 'fluentd-address': `127.0.0.1:${viaDriver.port}`, 'fluentd-sub-second-precision': 'true', tag: TAG, labels: 'ship.extra', env: 'SHIP_ENV' },
        },
      },
    });
    await c.start();
    const abort = new AbortController();
    const shipper = ship({
      source: docker,
      include: { label: [`ship.group=${group}`] },
      to: forward({ port: viaShip.port, ack: true, tag: TAG, labels: ['ship.extra'], env: ['SHIP_ENV'] }),
      signal: abort.signal,
    });
    const total = lines * 3 + 1;
    await Promise.all([viaDriver.waitFor(total), viaShip.waitFor(total)]);
    for await (const status of shipper.status({ intervalMs: 10 })) {
      expect(status.containers.map((s) => [s.id, s.name, s.read])).toEqual([[c.id, (await c.inspect()).Name?.slice(1), total]]);
      expect(status.connected).toBe(true);
      break;
    }
    abort.abort();
    await shipper.done();
    expect(viaShip.entries).toHaveLength(total);
    expect(comparable(viaShip.entries)).toEqual(comparable(viaDriver.entries));
    const [first] = viaShip.entries;
    expect(first?.tag).toBe(`docker.${(await c.inspect()).Name?.slice(1)}.${c.id.slice(0, 12)}.${c.id}.${(await c.inspect()).Config?.Image}.${(await c.inspect()).Image?.slice(0, 12)}.docker`);
    expect(first?.record).toMatchObject({ container_id: c.id, 'ship.extra': 'label-value', SHIP_ENV: 'from-env' });
    expect(typeof first?.time).toBe('object');
  });

  it('a TTY container: the same records and EventTimes (the engine time split off, the TTY\'s \\r kept as the driver keeps it)', async () => {
    const viaDriver = await new Receiver().start();
    const viaShip = await new Receiver().start();
    resources.defer(() => viaDriver.stop());
    resources.defer(() => viaShip.stop());
    const group = uniqueName('oracle-tty');
    const lines = 100;
    const c = await createContainer(docker, resources, {
      Tty: true,
      Cmd: ['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do echo "tty $i ünïcödé"; printf 'half '; printf "whole $i\\n"; echo "err $i" >&2; i=$((i+1)); done; stty -onlcr; echo plain; ${IDLE}`],
      Labels: { 'ship.group': group },
      HostConfig: { LogConfig: { Type: 'fluentd', Config: { 'fluentd-address': `127.0.0.1:${viaDriver.port}`, 'fluentd-sub-second-precision': 'true', tag: TAG } } },
    });
    await c.start();
    const abort = new AbortController();
    const shipper = ship({ source: docker, include: { label: [`ship.group=${group}`] }, to: forward({ port: viaShip.port, ack: true, tag: TAG }), signal: abort.signal });
    const total = lines * 3 + 1;
    await Promise.all([viaDriver.waitFor(total), viaShip.waitFor(total)]);
    abort.abort();
    await shipper.done();
    expect(viaShip.entries).toHaveLength(total);
    expect(comparable(viaShip.entries)).toEqual(comparable(viaDriver.entries));
    expect(viaShip.logs().slice(0, 3)).toEqual(['tty 0 ünïcödé\r', 'half whole 0\r', 'err 0\r']);
    expect(viaShip.logs().at(-1)).toBe('plain');
  });
});
