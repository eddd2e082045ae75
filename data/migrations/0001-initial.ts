// The initial schema (data/schema.ts describes it for the code). One file per change from here on:
// never edit a migration that has shipped; add the next one.
import { sql, type Kysely } from 'kysely';
import { columnTypes, dialectOf, tableOptions } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const sqlite = dialectOf(db) === 'sqlite';

  await db.schema
    .createTable('stations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull().check(sqlIn('source', ['citizen', 'atmosud'])))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lat', t.real, (c) => c.notNull())
    .addColumn('lon', t.real, (c) => c.notNull())
    .addColumn('public_lat', t.real, (c) => c.notNull())
    .addColumn('public_lon', t.real, (c) => c.notNull())
    .addColumn('exact_location', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('exposure', 'text', (c) =>
      c
        .notNull()
        .defaultTo('outdoor')
        .check(sqlIn('exposure', ['outdoor', 'indoor'])),
    )
    .addColumn('address', 'text')
    .addColumn('commune', 'text')
    .addColumn('pollutants', 'text')
    .addColumn('attribution', 'text')
    .addColumn('licence', 'text')
    .addColumn('in_service', t.int, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.int64, (c) => c.notNull())
    .addColumn('updated_at', t.int64, (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('stations_source').on('stations').columns(['source']).execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id').onDelete('cascade'))
    .addColumn('format', 'text', (c) =>
      c.notNull().check(sqlIn('format', ['native', 'airgradient', 'airrohr'])),
    )
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('serial', 'text', (c) => c.unique())
    .addColumn('created_at', t.int64, (c) => c.notNull())
    .addColumn('last_seen', t.int64)
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('devices_station').on('devices').columns(['station_id']).execute();

  await db.schema
    .createTable('series')
    .addColumn('id', 'integer', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id').onDelete('cascade'))
    .addColumn('phenomenon', 'text', (c) => c.notNull())
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addUniqueConstraint('series_station_phenomenon_sensor', ['station_id', 'phenomenon', 'sensor'])
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('series_phenomenon').on('series').columns(['phenomenon']).execute();

  // Narrow rows keyed by (series, time): a redelivered message is a no-op. WITHOUT ROWID stores the
  // rows in key order, so a series' time range is one contiguous b-tree scan.
  await db.schema
    .createTable('readings')
    .addColumn('series_id', 'integer', (c) => c.notNull().references('series.id').onDelete('cascade'))
    .addColumn('time', t.int64, (c) => c.notNull())
    .addColumn('value', t.real, (c) => c.notNull())
    .addColumn('flags', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('validation', 'text')
    .addPrimaryKeyConstraint('readings_pk', ['series_id', 'time'])
    .modifyEnd(tableOptions(db, { withoutRowid: true }))
    .execute();

  for (const table of ['rollups_hourly', 'rollups_daily']) {
    await db.schema
      .createTable(table)
      .addColumn('series_id', 'integer', (c) => c.notNull().references('series.id').onDelete('cascade'))
      .addColumn('bucket', t.int64, (c) => c.notNull())
      .addColumn('n', t.int64, (c) => c.notNull())
      .addColumn('sum', t.real, (c) => c.notNull())
      .addColumn('min', t.real, (c) => c.notNull())
      .addColumn('max', t.real, (c) => c.notNull())
      .addColumn('sum_sq', t.real, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['series_id', 'bucket'])
      .modifyEnd(tableOptions(db, { withoutRowid: true }))
      .execute();
  }

  await db.schema
    .createTable('ingest_errors')
    .addColumn('id', 'integer', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('device_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('time', t.int64, (c) => c.notNull())
    .addColumn('topic', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('payload', 'text')
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema
    .createIndex('ingest_errors_device_time')
    .on('ingest_errors')
    .columns(['device_id', 'time'])
    .execute();

  await db.schema
    .createTable('pull_cursors')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('cursor', t.int64, (c) => c.notNull())
    .addColumn('state', 'text')
    .addColumn('updated_at', t.int64, (c) => c.notNull())
    .addPrimaryKeyConstraint('pull_cursors_pk', ['source', 'key'])
    .modifyEnd(tableOptions(db))
    .execute();

  await db.schema
    .createTable('commune_indices')
    .addColumn('insee', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('lib_zone', 'text')
    .addColumn('code_qual', t.int, (c) => c.notNull())
    .addColumn('lib_qual', 'text')
    .addColumn('coul_qual', 'text')
    .addColumn('code_no2', t.int)
    .addColumn('code_so2', t.int)
    .addColumn('code_o3', t.int)
    .addColumn('code_pm10', t.int)
    .addColumn('code_pm25', t.int)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('pulled_at', t.int64, (c) => c.notNull())
    .addPrimaryKeyConstraint('commune_indices_pk', ['insee', 'date'])
    .modifyEnd(tableOptions(db))
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('value', t.real, (c) => c.notNull())
    .addColumn('updated_at', t.int64, (c) => c.notNull())
    .addPrimaryKeyConstraint('counters_pk', ['name', 'labels'])
    .modifyEnd(tableOptions(db))
    .execute();
}

function sqlIn(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
