// Current values materialised (issue 19): each series' newest reading, and each station's current
// indices, so that /latest and /stations?index= read one row per series or station instead of
// finding every series' newest row and recomputing indices from the hourly rollups per request.
// current_values is kept by the write path itself (data/store/current-values.ts) and backfilled
// here. current_indices is valid for one hour (indices of now only use completed hours): its rows
// are written by the ingest worker and the AtmoSud puller for the hour in progress, and a missing
// or outdated row is computed by the API from the rollups, as before; none is backfilled here,
// since a row computed now would be outdated at the next hour anyway.
// On PostgreSQL, triggers NOTIFY the API of changes to what its cache of these answers holds
// (api/change-signal.ts); SQLite has PRAGMA data_version for that.
import { sql, type Kysely } from 'kysely';
import { columnTypes, dialectOf, tableOptions } from '../dialect.js';

/** The channel the triggers notify, the schema's name as payload (schemas may share a database). */
export const CHANGES_CHANNEL = 'souffle_changes';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('current_values')
    .addColumn('series_id', 'integer', (c) => c.primaryKey().references('series.id').onDelete('cascade'))
    .addColumn('time', t.int64, (c) => c.notNull())
    .addColumn('value', t.real, (c) => c.notNull())
    .addColumn('flags', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('validation', 'text')
    .modifyEnd(tableOptions(db))
    .execute();
  await sql`insert into current_values (series_id, time, value, flags, validation)
            select r.series_id, r.time, r.value, r.flags, r.validation
              from series s
              join readings r on r.series_id = s.id
               and r.time = (select max(m.time) from readings m where m.series_id = s.id)`.execute(db);

  await db.schema
    .createTable('current_indices')
    .addColumn('station_id', 'text', (c) => c.primaryKey().references('stations.id').onDelete('cascade'))
    // Start of the hour in progress when computed (epoch ms): the row answers for that hour only.
    .addColumn('hour', t.int64, (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // JSON array of the phenomena the station measured, sorted; the three indices as answered.
    .addColumn('measured', 'text', (c) => c.notNull())
    .addColumn('atmo', 'text', (c) => c.notNull())
    .addColumn('eaqi', 'text', (c) => c.notNull())
    .addColumn('usaqi', 'text', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();

  if (dialectOf(db) === 'postgres') {
    await sql`create function souffle_notify_change() returns trigger language plpgsql as $$
              begin perform pg_notify(${sql.lit(CHANGES_CHANNEL)}, current_schema()); return null; end $$`.execute(
      db,
    );
    // Statement triggers: one notification per write statement (PostgreSQL folds identical ones
    // of a transaction into one). current_indices gets a row trigger, since the write path runs a
    // delete on it that usually deletes nothing and must then not invalidate anything.
    for (const table of ['current_values', 'calibrations', 'stations', 'series']) {
      await sql`create trigger ${sql.raw(`${table}_notify`)} after insert or update or delete
                on ${sql.table(table)} for each statement execute function souffle_notify_change()`.execute(
        db,
      );
    }
    await sql`create trigger current_indices_notify after insert or update or delete
              on current_indices for each row execute function souffle_notify_change()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    for (const table of ['current_values', 'calibrations', 'stations', 'series', 'current_indices']) {
      await sql`drop trigger if exists ${sql.raw(`${table}_notify`)} on ${sql.table(table)}`.execute(db);
    }
    await sql`drop function if exists souffle_notify_change()`.execute(db);
  }
  await db.schema.dropTable('current_indices').execute();
  await db.schema.dropTable('current_values').execute();
}
