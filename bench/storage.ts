// Storage: readings per second through the store (one transaction per message of 6 values, rollups
// included) beside a bare better-sqlite3 insert of the same rows without rollups.
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  ensureSeries,
  insertReadings,
  openDatabase,
  upsertStation,
  type NewReading,
  type OpenDatabase,
} from '../data/index.js';
import { result, type BenchSuite } from './bench-types.js';

const PHENOMENA = ['pm1', 'pm25', 'pm10', 'temperature', 'humidity', 'pressure'] as const;
const MESSAGES = 30_000;
const STATIONS = 50;

/** Messages of 6 values, one per minute per station, spread over stations like a real fleet. */
function messages(seriesIds: number[][]): NewReading[][] {
  const start = Date.UTC(2026, 0, 1);
  const out: NewReading[][] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const station = i % STATIONS;
    const time = start + Math.floor(i / STATIONS) * 60_000;
    out.push(seriesIds[station]!.map((seriesId, k) => ({ seriesId, time, value: 10 + ((i * 7 + k) % 50) })));
  }
  return out;
}

/** Messages per transaction in the batched figure: the worker's batch when it drains a backlog. */
const BATCH = 1000;

/** The stations and their six series in a new database; the series ids per station. */
async function seriesOf(file: string): Promise<{ handle: OpenDatabase; seriesIds: number[][] }> {
  const handle = await openDatabase(file);
  const seriesIds: number[][] = [];
  for (let s = 0; s < STATIONS; s++) {
    await upsertStation(handle.db, {
      id: `st-${s}`,
      source: 'citizen',
      name: `Station ${s}`,
      lat: 43.3,
      lon: 5.4,
    });
    const ids: number[] = [];
    for (const p of PHENOMENA)
      ids.push(
        await ensureSeries(handle.db, { stationId: `st-${s}`, phenomenon: p, sensor: 'x', unit: 'u' }),
      );
    seriesIds.push(ids);
  }
  return { handle, seriesIds };
}

export const storageSuite: BenchSuite = {
  name: 'storage',
  async run({ dir, log }) {
    const { handle, seriesIds } = await seriesOf(join(dir, 'store.db'));
    const batches = messages(seriesIds);

    log(`storage: store insert of ${MESSAGES} messages × 6 values`);
    let t0 = performance.now();
    for (const batch of batches) await insertReadings(handle.db, batch);
    const storeSeconds = (performance.now() - t0) / 1000;
    await handle.close();

    log(`storage: store insert of the same rows in transactions of ${BATCH} messages`);
    const batched = await seriesOf(join(dir, 'store-batched.db'));
    const large = chunksOf(messages(batched.seriesIds), BATCH);
    t0 = performance.now();
    for (const batch of large) await insertReadings(batched.handle.db, batch);
    const storeBatchedSeconds = (performance.now() - t0) / 1000;
    await batched.handle.close();

    // Baseline: the same schema and rows, plain prepared statements, no rollups, no Kysely.
    const bare = await openDatabase(join(dir, 'bare.db'));
    await bare.close();
    const raw = new BetterSqlite3(join(dir, 'bare.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    for (let s = 0; s < STATIONS; s++) {
      raw
        .prepare(
          `insert into stations (id, source, name, lat, lon, public_lat, public_lon, created_at, updated_at) values (?, 'citizen', ?, 43.3, 5.4, 43.3, 5.4, 0, 0)`,
        )
        .run(`st-${s}`, `Station ${s}`);
      for (const p of PHENOMENA)
        raw
          .prepare(`insert into series (station_id, phenomenon, sensor, unit) values (?, ?, 'x', 'u')`)
          .run(`st-${s}`, p);
    }
    const insert = raw.prepare(
      'insert into readings (series_id, time, value, flags, validation) values (?, ?, ?, 0, null) on conflict do nothing',
    );
    const tx = raw.transaction((rows: NewReading[]) => {
      for (const r of rows) insert.run(r.seriesId, r.time, r.value);
    });
    log('storage: bare better-sqlite3 insert of the same rows');
    t0 = performance.now();
    for (const batch of batches) tx(batch);
    const bareSeconds = (performance.now() - t0) / 1000;
    raw.exec('delete from readings');
    log(`storage: bare better-sqlite3 insert of the same rows in transactions of ${BATCH} messages`);
    t0 = performance.now();
    for (const batch of chunksOf(batches, BATCH)) tx(batch);
    const bareBatchedSeconds = (performance.now() - t0) / 1000;
    raw.close();

    const values = MESSAGES * PHENOMENA.length;
    return [
      result({
        name: 'storage insert (readings/s, rollups included)',
        value: values / storeSeconds,
        unit: 'readings/s',
        baseline: values / bareSeconds,
        target: 0.5,
        higherIsBetter: true,
        note: 'one transaction per message of 6 values; baseline: bare better-sqlite3 prepared inserts, no rollups',
      }),
      result({
        name: `storage insert, ${BATCH} messages a transaction (readings/s)`,
        value: values / storeBatchedSeconds,
        unit: 'readings/s',
        baseline: values / bareBatchedSeconds,
        higherIsBetter: true,
        note: `the worker's batch when it drains a backlog: rows in multi-row inserts, rollups aggregated per (series, hour) of the batch; baseline: bare better-sqlite3 prepared inserts of the same rows, ${BATCH} messages a transaction, no rollups`,
      }),
    ];
  },
};

/** The messages' readings in transactions of `size` messages. */
function chunksOf(batches: NewReading[][], size: number): NewReading[][] {
  const out: NewReading[][] = [];
  for (let i = 0; i < batches.length; i += size) out.push(batches.slice(i, i + size).flat());
  return out;
}
