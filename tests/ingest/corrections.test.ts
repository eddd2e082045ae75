// Citizen corrections end to end: a native device publishes to a real Mosquitto (the configuration
// `souffle mosquitto-config` writes), the worker stores into a real SQLite file. A message
// delivered twice changes nothing; a reading re-sent for the same time with another value replaces
// the stored one, and the rollups stay equal to a recomputation from the rows.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters } from '../../data/store/counters.js';
import { createDevice } from '../../data/store/devices.js';
import { HOUR_MS } from '../../data/store/rollups.js';
import { createLogger } from '../../ingest/logger.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  publishAs,
  startGeneratedMosquitto,
  storedValues,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

/** Two readings in one hour, a few hours ago (whole minutes, so `ts` round-trips exactly). */
const HOUR_START = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
const TS1 = new Date(HOUR_START + 10 * 60_000).toISOString();
const TS2 = new Date(HOUR_START + 40 * 60_000).toISOString();

describe('corrections of citizen readings', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: IngestWorker;
  let device: { username: string; password: string };

  beforeAll(async () => {
    db = await tempDb();
    const created = await createDevice(db.db, { id: 'ecole', name: 'École', lat: 43.3, lon: 5.4 });
    device = { username: 'ecole', password: created.token };
    broker = await startGeneratedMosquitto(db.db);
    worker = new IngestWorker({
      db: db.db,
      mqttUrl: broker.url,
      ...workerLogin('souffle-ingest'),
      metricsFlushMs: 100,
      logger: createLogger({ level: 'warn', write: () => {} }),
    });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  const publish = (ts: string, values: Record<string, number>) =>
    publishAs(broker.url, device, 'souffle/v1/ecole/readings', JSON.stringify({ ts, values }));

  const counter = async (name: string) =>
    (await readCounters(db.db)).find((c) => c.name === name && c.labels === '')?.value ?? 0;

  const rows = async () =>
    (await storedValues(db.db, 'ecole'))
      .map((r) => [r.phenomenon, r.time, r.value] as const)
      .sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);

  /** Rollups as stored, and as recomputed from the raw rows with SQL. */
  async function rollups(width: number, table: 'rollups_hourly') {
    const stored = await db.db
      .selectFrom(table)
      .select(['series_id', 'bucket', 'n', 'sum', 'min', 'max'])
      .orderBy('series_id')
      .orderBy('bucket')
      .execute();
    const { rows: recomputed } = await sql<Record<string, number>>`
      select series_id, (time / ${sql.lit(width)}) * ${sql.lit(width)} as bucket, count(*) as n,
             sum(value) as sum, min(value) as min, max(value) as max
        from readings group by series_id, bucket order by series_id, bucket`.execute(db.db);
    return { stored, recomputed };
  }

  it('stores a message delivered twice once, and counts the second delivery as duplicates', async () => {
    await publish(TS1, { pm25: 40, pm10: 50 });
    await publish(TS2, { pm25: 10, pm10: 20 });
    await waitFor(async () => (await counter('souffle_ingest_values_stored_total')) === 4, {
      what: 'four values stored',
    });
    const before = { rows: await rows(), hourly: (await rollups(HOUR_MS, 'rollups_hourly')).stored };

    await publish(TS1, { pm25: 40, pm10: 50 });
    await waitFor(async () => (await counter('souffle_ingest_values_duplicate_total')) === 2, {
      what: 'two duplicates counted',
    });
    expect(await rows()).toEqual(before.rows);
    expect((await rollups(HOUR_MS, 'rollups_hourly')).stored).toEqual(before.hourly);
    expect(await counter('souffle_ingest_values_replaced_total')).toBe(0);
  });

  it('replaces a value re-sent for the same time with another value, and recomputes its rollups', async () => {
    // The device corrects its PM2.5 of TS1 (it was the hour's maximum); PM10 is re-sent as it was.
    await publish(TS1, { pm25: 8, pm10: 50 });
    await waitFor(async () => (await counter('souffle_ingest_values_replaced_total')) === 1, {
      what: 'one value replaced',
    });
    expect(await counter('souffle_ingest_values_duplicate_total')).toBe(3);
    expect(await rows()).toEqual([
      ['pm10', Date.parse(TS1), 50],
      ['pm10', Date.parse(TS2), 20],
      ['pm25', Date.parse(TS1), 8],
      ['pm25', Date.parse(TS2), 10],
    ]);
    for (const [width, table] of [[HOUR_MS, 'rollups_hourly']] as const) {
      const { stored, recomputed } = await rollups(width, table);
      expect(stored).toEqual(recomputed);
    }
    const pm25Hour = (await rollups(HOUR_MS, 'rollups_hourly')).stored.find((r) => r.min === 8);
    expect(pm25Hour).toMatchObject({ n: 2, sum: 18, min: 8, max: 10 });
  });
});
