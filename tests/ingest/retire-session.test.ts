// Fewer workers than before: Mosquitto keeps routing a share of every message to the session of a
// slot that no longer runs. `souffle ingest --retire <slots>` stores what that session holds and
// ends it, after which the remaining workers get every message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { IngestWorker } from '../../ingest/worker.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  countReadings,
  SERVICE,
  startGeneratedMosquitto,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

describe('retiring the session of a slot that no longer runs', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let token: string;
  let env: Record<string, string>;
  const workers: IngestWorker[] = [];
  let next = 0;
  const start = Math.floor(Date.now() / 1000) - 86_400;

  const worker = async (clientId: string, shareGroup?: string) => {
    const w = new IngestWorker({
      db: db.db,
      mqttUrl: broker.url,
      ...workerLogin(clientId),
      ...(shareGroup ? { shareGroup } : {}),
    });
    await w.start();
    workers.push(w);
    return w;
  };
  const publish = async (count: number) => {
    const device = await connectAs(broker.url, { username: 'toit', password: token, clientId: 'toit' });
    for (let i = 0; i < count; i++, next++) {
      const body = JSON.stringify({ ts: start + next * 60, values: { pm25: next % 40 } });
      await device.publishAsync('souffle/v1/toit/readings', body, { qos: 1 });
    }
    await device.endAsync();
  };
  const retire = async (list: string) => {
    const r = await runCli(['ingest', '--retire', list, '--json'], env);
    return { ...r, result: r.code === 0 ? (JSON.parse(r.stdout) as Array<Record<string, unknown>>) : [] };
  };

  beforeAll(async () => {
    db = await tempDb();
    token = (await createDevice(db.db, { id: 'toit', name: 'Toit', lat: 43.3, lon: 5.4 })).token;
    broker = await startGeneratedMosquitto(db.db);
    env = {
      ...db.env,
      MQTT_URL: broker.url,
      SOUFFLE_MQTT_USERNAME: SERVICE.username,
      SOUFFLE_MQTT_PASSWORD: SERVICE.password,
      SOUFFLE_MQTT_CLIENT_ID: 'souffle-ingest',
    };
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('stores what the slot’s session held, then every message goes to the workers left', async () => {
    const one = await worker('souffle-ingest-1', 'souffle');
    const two = await worker('souffle-ingest-2', 'souffle');
    await two.stop(); // scaled down to one worker: slot 2 will not come back

    await publish(100);
    await waitFor(() => one.status.stored === 50, { what: `slot 1's half (${one.status.stored})` });
    expect(await countReadings(db.db)).toBe(50); // the other half waits in slot 2's session

    const retired = await retire('2');
    expect(retired.code, retired.stderr).toBe(0);
    expect(retired.result).toEqual([
      {
        clientId: 'souffle-ingest-2',
        sessionPresent: true,
        received: 50,
        valuesStored: 50,
        valuesDuplicate: 0,
      },
    ]);
    expect(await countReadings(db.db)).toBe(100);

    await publish(100);
    await waitFor(async () => (await countReadings(db.db)) === 200, {
      what: 'every new message stored by slot 1 alone',
    });
    expect(one.status.stored).toBe(150);

    const again = await retire('2');
    expect(again.result).toEqual([
      {
        clientId: 'souffle-ingest-2',
        sessionPresent: false,
        received: 0,
        valuesStored: 0,
        valuesDuplicate: 0,
      },
    ]);
  });

  it('refuses to retire a slot that still runs, which then carries on', async () => {
    const one = workers[0]!;
    const r = await runCli(['ingest', '--retire', '1'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was taken back by another connection: a worker still runs');
    await waitFor(() => one.status.subscribed, { what: 'slot 1 subscribed again' });
    const before = one.status.stored;
    await publish(10);
    await waitFor(() => one.status.stored === before + 10, { what: 'slot 1 storing again' });
  });

  it('retires a lone worker’s session, which holds every message published while it is stopped', async () => {
    const lone = await worker('souffle-ingest'); // plain subscription, no $share
    await lone.stop();
    const before = await countReadings(db.db);
    await publish(30); // slot 1 stores them, and the lone worker's session queues them all as well
    await waitFor(async () => (await countReadings(db.db)) === before + 30);

    const retired = await retire('single');
    expect(retired.result).toEqual([
      // Copies of what slot 1 stored: the key (series, time) makes them no-ops.
      {
        clientId: 'souffle-ingest',
        sessionPresent: true,
        received: 30,
        valuesStored: 0,
        valuesDuplicate: 30,
      },
    ]);
  });

  it('names what it cannot retire', async () => {
    const bad = await runCli(['ingest', '--retire', '2,x'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--retire "2,x": "x" is neither a slot from 1 to 64 nor "single"');
    const embedded = await runCli(['ingest', '--retire', '2'], { ...env, MQTT_URL: '' });
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toContain('--retire needs MQTT_URL (Mosquitto)');
  });
});
