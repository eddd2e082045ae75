// PostgreSQL beside SQLite, same run, same workload: the store's insert path (one transaction per
// message of 6 values, rollups included, as bench/storage.ts) and a chart's read (a year of hourly
// rollups of one series). The ratio is PostgreSQL / SQLite. The server is SOUFFLE_BENCH_DATABASE_URL,
// else SOUFFLE_DATABASE_URL, else the local test server; the suite works in a schema of its own and
// drops it. Without a reachable server the suite says so and reports nothing.
import { join } from 'node:path';
import pg from 'pg';
import {
  ensureSeries,
  insertReadings,
  openDatabase,
  readSeries,
  upsertStation,
  type Db,
  type NewReading,
} from '../data/index.js';
import { dropPostgresSchema, openPostgres } from '../data/db-postgres.js';
import { withSearchPath } from '../testing/search-path.js';
import { result, type BenchSuite } from './bench-types.js';
import { INGEST_MESSAGES, ingestRates } from './postgres-ingest.js';

const PHENOMENA = ['pm1', 'pm25', 'pm10', 'temperature', 'humidity', 'pressure'] as const;
// Fewer messages than bench/storage.ts: a PostgreSQL commit is a network round trip and a WAL
// flush, and the suite must stay short. Rates are per second, so the figures compare.
const MESSAGES = 6000;
const STATIONS = 50;
const YEAR = 2025;
const QUERIES = 100;
/** Concurrent writers for the second insert figure (PostgreSQL takes several; SQLite has one). */
const WRITERS = 4;

export const postgresSuite: BenchSuite = {
  name: 'postgres',
  async run({ dir, log }) {
    const url =
      process.env.SOUFFLE_BENCH_DATABASE_URL ||
      process.env.SOUFFLE_DATABASE_URL ||
      'postgres://postgres@127.0.0.1:5432/test';
    const reason = await unreachable(url);
    if (reason) {
      log(`postgres: skipped, no PostgreSQL at ${url} (${reason}); set SOUFFLE_BENCH_DATABASE_URL`);
      return [];
    }
    const schema = `souffle_bench_${Date.now().toString(36)}`;
    const sqlite = await openDatabase(join(dir, 'store.db'));
    const postgres = await openPostgres(url, { schema, maxConnections: WRITERS });
    try {
      const insert = { sqlite: 0, postgres: 0 };
      const read = { sqlite: 0, postgres: 0 };
      for (const [name, db] of [
        ['sqlite', sqlite.db],
        ['postgres', postgres.db],
      ] as const) {
        log(`postgres: ${name} store insert of ${MESSAGES} messages × 6 values`);
        insert[name] = await insertRate(db, { prefix: 'one', writers: 1 });
        log(`postgres: ${name} one-year hourly series read × ${QUERIES}`);
        read[name] = await readRate(db);
      }
      log(`postgres: postgres store insert by ${WRITERS} concurrent writers`);
      const concurrent = await insertRate(postgres.db, { prefix: 'many', writers: WRITERS });
      const [e2eSqlite, e2ePostgres, e2eShared] = await ingestRates(
        [
          { name: 'SQLite', db: sqlite.db, env: { SOUFFLE_DB: sqlite.path }, workers: 1 },
          {
            name: 'PostgreSQL',
            db: postgres.db,
            env: { SOUFFLE_DATABASE_URL: withSearchPath(url, schema) },
            workers: 1,
          },
          {
            name: 'PostgreSQL, 2 workers',
            db: postgres.db,
            env: { SOUFFLE_DATABASE_URL: withSearchPath(url, schema) },
            workers: 2,
          },
        ],
        log,
      );
      return [
        result({
          name: 'postgres: ingest end to end (messages/s, 6 values)',
          value: e2ePostgres!,
          unit: 'msg/s',
          baseline: e2eSqlite!,
          higherIsBetter: true,
          note: `souffle ingest as its own process through Mosquitto, ${INGEST_MESSAGES} messages published at full speed by another process, each acknowledged after its commit, first publish to last row stored; baseline: the same on SQLite`,
        }),
        result({
          name: 'postgres: ingest end to end, 2 workers (messages/s)',
          value: e2eShared!,
          unit: 'msg/s',
          baseline: e2ePostgres!,
          higherIsBetter: true,
          note: 'SOUFFLE_INGEST_WORKERS=2: two worker processes sharing the subscription ($share), same run and stream; baseline: one worker on PostgreSQL (the ratio is the scaling). On a 2-core machine that also runs PostgreSQL, Mosquitto and the publisher, the CPU is the limit and two workers cannot show their gain (measured 0.8–1.5×): several workers pay on more cores or machines',
        }),
        result({
          name: 'postgres: storage insert (readings/s, rollups included)',
          value: insert.postgres,
          unit: 'readings/s',
          baseline: insert.sqlite,
          higherIsBetter: true,
          note: 'one transaction per message of 6 values on PostgreSQL; baseline: the same store calls on SQLite',
        }),
        result({
          name: `postgres: storage insert, ${WRITERS} concurrent writers (readings/s)`,
          value: concurrent,
          unit: 'readings/s',
          baseline: insert.sqlite,
          higherIsBetter: true,
          note: `messages spread round-robin over ${WRITERS} connections, as shared-subscription workers would; baseline: SQLite's one writer`,
        }),
        result({
          name: 'postgres: one-year hourly series read (reads/s)',
          value: read.postgres,
          unit: 'reads/s',
          baseline: read.sqlite,
          higherIsBetter: true,
          note: 'readSeries step 1h over a year (8760 points) on PostgreSQL; baseline: the same on SQLite',
        }),
      ];
    } finally {
      await sqlite.close();
      await postgres.close();
      await dropPostgresSchema(url, schema);
    }
  },
};

/** Readings per second through the store, messages spread round-robin over `writers` streams. */
async function insertRate(db: Db, { prefix, writers }: { prefix: string; writers: number }): Promise<number> {
  const seriesIds: number[][] = [];
  for (let s = 0; s < STATIONS; s++) {
    const stationId = `${prefix}-${s}`;
    await upsertStation(db, { id: stationId, source: 'citizen', name: `Station ${s}`, lat: 43.3, lon: 5.4 });
    const ids: number[] = [];
    for (const p of PHENOMENA) {
      ids.push(await ensureSeries(db, { stationId, phenomenon: p, sensor: 'x', unit: 'u' }));
    }
    seriesIds.push(ids);
  }
  const start = Date.UTC(2026, 0, 1);
  // Like a shared subscription: message i goes to writer i mod writers.
  const streams: NewReading[][][] = Array.from({ length: writers }, () => []);
  for (let i = 0; i < MESSAGES; i++) {
    const time = start + Math.floor(i / STATIONS) * 60_000;
    streams[i % writers]!.push(
      seriesIds[i % STATIONS]!.map((seriesId, k) => ({ seriesId, time, value: 10 + ((i * 7 + k) % 50) })),
    );
  }
  const t0 = performance.now();
  await Promise.all(
    streams.map(async (stream) => {
      for (const batch of stream) await insertReadings(db, batch);
    }),
  );
  return (MESSAGES * PHENOMENA.length) / ((performance.now() - t0) / 1000);
}

/** A year of readings every 15 minutes in one series, then the chart's query, repeated. */
async function readRate(db: Db): Promise<number> {
  await upsertStation(db, { id: 'year', source: 'citizen', name: 'Year', lat: 43.3, lon: 5.4 });
  const seriesId = await ensureSeries(db, { stationId: 'year', phenomenon: 'pm25', sensor: 'x', unit: 'u' });
  const from = Date.UTC(YEAR, 0, 1);
  const to = Date.UTC(YEAR + 1, 0, 1);
  const rows: NewReading[] = [];
  for (let t = from; t < to; t += 900_000) rows.push({ seriesId, time: t, value: (t / 900_000) % 40 });
  await insertReadings(db, rows);
  let points = 0;
  const t0 = performance.now();
  for (let i = 0; i < QUERIES; i++)
    points += (await readSeries(db, { seriesId, from, to, step: '1h' })).length;
  const seconds = (performance.now() - t0) / 1000;
  if (points !== QUERIES * 8760) throw new Error(`expected ${QUERIES * 8760} hourly points, read ${points}`);
  return QUERIES / seconds;
}

async function unreachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}
