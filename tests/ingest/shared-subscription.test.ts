// Several workers sharing the load on Mosquitto (`souffle ingest --instance <n>`): each message
// goes to one of them, and every message is stored.
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

const MESSAGES = 400;

describe('workers sharing a subscription', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let token: string;
  const workers: IngestWorker[] = [];

  beforeAll(async () => {
    db = await tempDb();
    token = (await createDevice(db.db, { id: 'partage', name: 'Partage', lat: 43.3, lon: 5.4 })).token;
    broker = await startGeneratedMosquitto(db.db);
    for (const n of [1, 2]) {
      const worker = new IngestWorker({
        db: db.db,
        mqttUrl: broker.url,
        ...workerLogin(`souffle-ingest-${n}`),
        shareGroup: 'souffle',
      });
      await worker.start();
      workers.push(worker);
    }
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('delivers each message to one worker and stores them all once', async () => {
    const device = await connectAs(broker.url, { username: 'partage', password: token, clientId: 'partage' });
    const start = Math.floor(Date.now() / 1000) - 86_400;
    await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) =>
        device.publishAsync(
          'souffle/v1/partage/readings',
          JSON.stringify({ ts: start + i * 60, values: { pm25: i % 40 } }),
          { qos: 1 },
        ),
      ),
    );
    await device.endAsync();
    await waitFor(async () => (await countReadings(db.db)) === MESSAGES);
    const received = workers.map((w) => w.status.received);
    expect(received[0]! + received[1]!).toBe(MESSAGES);
    expect(received.every((n) => n > 0)).toBe(true);
  });
});
