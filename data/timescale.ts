// TimescaleDB, where the server offers it: readings become a hypertable chunked by time, so that
// years of raw rows stay fast to insert into and cheap to drop or compress by chunk. Everything
// else (queries, rollups, the store) is unchanged: a hypertable is queried like a table, and
// INSERT ... ON CONFLICT works on it because its primary key (series_id, time) includes the time
// column, as hypertables require (https://docs.timescale.com/use-timescale/latest/hypertables/).
//
// Rollups stay plain tables written in the same transaction as the readings, as on SQLite:
// continuous aggregates are refreshed asynchronously (a chart would lag its rows), and a
// replaced reference value must change its buckets at once. Not exercised by the test suite
// (the test server has no TimescaleDB): kept small and guarded.
import { sql, type QueryExecutorProvider } from 'kysely';
import { dialectOf } from './dialect.js';

/** Chunk width of the readings hypertable, in the unit of `time` (epoch ms): one week. */
const READINGS_CHUNK_MS = 7 * 86_400_000;

export type TimescaleStatus = {
  /** The server ships the extension (it could be created). */
  available: boolean;
  /** The extension exists in this database, and in which schema its functions live. */
  installedIn: string | null;
  /** `readings` (in the search path) is a hypertable. */
  readingsHypertable: boolean;
};

export async function timescaleStatus(db: QueryExecutorProvider): Promise<TimescaleStatus> {
  if (dialectOf(db) !== 'postgres') return { available: false, installedIn: null, readingsHypertable: false };
  const available = await sql<{ one: number }>`
    select 1 as one from pg_available_extensions where name = 'timescaledb'`.execute(db);
  const installed = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
     where e.extname = 'timescaledb'`.execute(db);
  const installedIn = installed.rows[0]?.schema ?? null;
  let readingsHypertable = false;
  if (installedIn) {
    const hyper = await sql<{ one: number }>`
      select 1 as one from timescaledb_information.hypertables
       where hypertable_name = 'readings' and hypertable_schema = current_schema()`.execute(db);
    readingsHypertable = hyper.rows.length > 0;
  }
  return { available: available.rows.length > 0, installedIn, readingsHypertable };
}

/**
 * Creates the extension if the server offers it (and we may), then makes `readings` a hypertable.
 * Without the extension, or without the right to create it, leaves plain PostgreSQL tables, which
 * behave the same. Returns whether readings is a hypertable afterwards.
 */
export async function enableTimescale(db: QueryExecutorProvider): Promise<boolean> {
  if (dialectOf(db) !== 'postgres') return false;
  let status = await timescaleStatus(db);
  if (!status.available) return false;
  if (!status.installedIn) {
    // CREATE EXTENSION needs a superuser (timescaledb is not a trusted extension) and the library
    // in shared_preload_libraries. A failure must not fail the migration: plain tables work.
    // The exception block runs in a subtransaction, so the surrounding migration survives it.
    await sql`
      do $$
      begin
        create extension if not exists timescaledb;
      exception when others then
        raise notice 'souffle: TimescaleDB not enabled (%), readings stay a plain table', sqlerrm;
      end $$`.execute(db);
    status = await timescaleStatus(db);
  }
  if (!status.installedIn) return false;
  if (status.readingsHypertable) return true;
  // migrate_data moves rows already there into chunks (an upgrade of a populated database).
  await sql`select ${sql.id(status.installedIn)}.create_hypertable(
      'readings'::regclass, 'time',
      chunk_time_interval => ${sql.lit(READINGS_CHUNK_MS)}::bigint,
      migrate_data => true, if_not_exists => true)`.execute(db);
  return true;
}
