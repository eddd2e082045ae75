// The broker restarts mid-stream: the worker reconnects on its own, resumes its persistent session
// and stores every message once; publishers resend what the broker had not acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { nativeTopic } from '../../data/topics.js';
import { createLogger } from '../../ingest/logger.js';
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

const MESSAGES = 6000;
const DEVICES = 4;
const VALUES = 3;

describe('a broker restart mid-stream', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: IngestWorker;
  const logs: string[] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    db = await tempDb();
    for (let d = 0; d < DEVICES; d++) {
      tokens.push(
        (await createDevice(db.db, { id: `toit-${d}`, name: `Toit ${d}`, lat: 43.3, lon: 5.4 })).token,
      );
    }
    broker = await startGeneratedMosquitto(db.db, { plannedDevices: 100 });
    worker = new IngestWorker({
      db: db.db,
      mqttUrl: broker.url,
      ...workerLogin('souffle-ingest'),
      reconnectPeriodMs: 200,
      logger: createLogger({ write: (line) => logs.push(line) }),
    });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('loses nothing and stores nothing twice', async () => {
    // Publishers with a session of their own: mqtt.js resends unacknowledged messages on reconnect.
    const publishers = await Promise.all(
      tokens.map((password, d) =>
        connectAs(broker.url, {
          username: `toit-${d}`,
          password,
          clientId: `toit-${d}`,
          clean: false,
          reconnectPeriod: 200,
        }),
      ),
    );
    const start = Math.floor(Date.now() / 1000) - 2 * 86_400;
    const publish = (i: number) => {
      const d = i % DEVICES;
      const ts = start + Math.floor(i / DEVICES) * 60;
      const body = JSON.stringify({ ts, values: { pm25: i % 50, pm10: 10, humidity: 40 } });
      return publishers[d]!.publishAsync(nativeTopic(`toit-${d}`), body, { qos: 1 });
    };
    const first = Promise.all(Array.from({ length: MESSAGES / 2 }, (_, i) => publish(i)));
    await waitFor(async () => (await countReadings(db.db)) >= 500 * VALUES, { what: 'the first messages' });

    await broker.stop();
    // Stopped with part of the first half still queued in the broker for the worker: its
    // persistence has to carry them across the restart.
    expect(await countReadings(db.db)).toBeLessThan((MESSAGES / 2) * VALUES);
    // The client notices the closed socket a moment later (its 'close' event).
    await waitFor(() => !worker.status.connected, { what: 'the worker to notice the broker is gone' });
    await broker.start();
    const second = Promise.all(Array.from({ length: MESSAGES / 2 }, (_, i) => publish(MESSAGES / 2 + i)));
    await Promise.all([first, second]);
    await waitFor(async () => (await countReadings(db.db)) >= MESSAGES * VALUES, {
      timeoutMs: 45_000,
      what: async () =>
        `${MESSAGES * VALUES} readings (have ${await countReadings(db.db)})\n${logs.join('')}`,
    });
    await Promise.all(publishers.map((p) => p.endAsync()));

    expect(worker.status.connected).toBe(true);
    expect(logs.some((l) => l.includes('disconnected from'))).toBe(true);
    expect(await countReadings(db.db)).toBe(MESSAGES * VALUES);
    const hourly = await db.db
      .selectFrom('rollups_hourly')
      .select((eb) => eb.fn.sum<number>(eb(eb.ref('n'), '+', eb.ref('n_flagged'))).as('n'))
      .executeTakeFirstOrThrow();
    // Every value once: in a mean, or left out of it for a quality flag.
    expect(Number(hourly.n)).toBe(MESSAGES * VALUES);
  });
});
