// Workers sharing the subscription across a restart of Mosquitto. Mosquitto 2.0 saves sessions and
// their queued messages, but not their $share subscriptions (the sessions come back without them),
// so each worker subscribes again on every connection; the share queued for a stopped worker
// survives the restart and is stored when that worker comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  countReadings,
  startGeneratedMosquitto,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

describe('workers sharing a subscription, across a restart of Mosquitto', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let token: string;
  const workers: IngestWorker[] = [];
  const start = Math.floor(Date.now() / 1000) - 86_400;
  let next = 0;

  const slot = (n: number) =>
    new IngestWorker({
      db: db.db,
      mqttUrl: broker.url,
      ...workerLogin(`souffle-ingest-${n}`),
      shareGroup: 'souffle',
      reconnectPeriodMs: 200,
    });
  const publish = async (count: number) => {
    const device = await connectAs(broker.url, { username: 'parc', password: token, clientId: 'parc' });
    for (let i = 0; i < count; i++, next++) {
      const body = JSON.stringify({ ts: start + next * 60, values: { pm25: next % 40, pm10: 12 } });
      await device.publishAsync('souffle/v1/parc/readings', body, { qos: 1 });
    }
    await device.endAsync();
  };

  beforeAll(async () => {
    db = await tempDb();
    token = (await createDevice(db.db, { id: 'parc', name: 'Parc', lat: 43.3, lon: 5.4 })).token;
    broker = await startGeneratedMosquitto(db.db);
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('keeps a stopped worker’s share through the restart, and both workers take messages again', async () => {
    const one = slot(1);
    const two = slot(2);
    workers.push(one, two);
    await one.start();
    await two.start();
    await two.stop(); // e.g. being redeployed

    await publish(100);
    await waitFor(() => one.status.stored === 50, { what: 'slot 1’s half' });

    await broker.stop();
    await waitFor(() => !one.status.connected, { what: 'slot 1 to notice' });
    await broker.start();
    await waitFor(() => one.status.subscribed, { timeoutMs: 10_000, what: 'slot 1 subscribed again' });

    const back = slot(2);
    workers.push(back);
    await back.start();
    await waitFor(async () => (await countReadings(db.db)) === 200, {
      what: async () => `slot 2’s queued half (have ${(await countReadings(db.db)) / 2} messages)`,
    });
    expect(back.status.sessionPresent).toBe(true);
    expect(back.status.received).toBe(50);

    await publish(100);
    await waitFor(async () => (await countReadings(db.db)) === 400, {
      what: 'the messages after the restart',
    });
    // Both subscribed again: Mosquitto shares the new messages between them.
    expect(one.status.stored).toBe(100);
    expect(back.status.stored).toBe(100);
  });
});
