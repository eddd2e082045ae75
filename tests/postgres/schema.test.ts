import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../data/db.js';
import { currentSchema, openPostgres } from '../../data/db-postgres.js';
import { resetIdentity } from '../../data/dialect.js';
import { timescaleStatus } from '../../data/timescale.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const TABLES = [
  'alert_deliveries',
  'alert_rules',
  'calibrations',
  'commune_indices',
  'counters',
  'current_indices',
  'current_values',
  'device_locations',
  'devices',
  'enrolment_codes',
  'ingest_errors',
  'pull_cursors',
  'push_dead_letters',
  'push_outbox',
  'readings',
  'rollup_rebuild_queue',
  'rollups_hourly',
  'series',
  'station_locations',
  'stations',
];

describe('the schema on PostgreSQL', () => {
  const handles: TempDb[] = [];
  const open = async () => {
    const t = await tempDb({ dialect: 'postgres' });
    handles.push(t);
    return t;
  };
  afterEach(async () => {
    for (const t of handles.splice(0)) await t.cleanup();
  });

  it('creates every table in the schema of its own connection, with 64-bit times', async () => {
    const t = await open();
    const schema = await currentSchema(t.db);
    expect(schema).toMatch(/^souffle_t_/);
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
       where table_schema = ${schema} and table_name not like 'kysely_%' order by table_name`.execute(t.db);
    expect(rows.map((r) => r.table_name)).toEqual(TABLES);
    const { rows: types } = await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns
       where table_schema = ${schema} and table_name = 'readings' order by ordinal_position`.execute(t.db);
    expect(types).toEqual([
      { column_name: 'series_id', data_type: 'integer' },
      { column_name: 'time', data_type: 'bigint' },
      { column_name: 'value', data_type: 'double precision' },
      { column_name: 'flags', data_type: 'integer' },
      { column_name: 'validation', data_type: 'text' },
    ]);
  });

  it('migrates each schema of a shared database on its own, and only once', async () => {
    // Two Souffle databases (here two test schemas) in one PostgreSQL database: the second must
    // get its own migration tables rather than mistake the first one's for its own.
    const a = await open();
    const b = await open();
    expect(await migrate(a.db, { migrationTableSchema: await currentSchema(a.db) })).toEqual({
      results: [],
      rebuiltSeries: 0,
    });
    await b.db.insertInto('counters').values({ name: 'x', labels: '', value: 1, updated_at: 0 }).execute();
    expect(await a.db.selectFrom('counters').selectAll().execute()).toEqual([]);
  });

  it('reads back epoch milliseconds and counts as numbers, not strings', async () => {
    const t = await open();
    const time = Date.UTC(2026, 0, 1);
    await t.db
      .insertInto('counters')
      .values({ name: 'x', labels: '', value: 2.5, updated_at: time })
      .execute();
    const row = await t.db
      .selectFrom('counters')
      .select((eb) => ['updated_at', 'value', eb.fn.countAll<number>().as('n')])
      .groupBy(['updated_at', 'value'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ updated_at: time, value: 2.5, n: 1 });
  });

  it('continues generated ids after the largest explicit one once the identity is reset', async () => {
    const t = await open();
    await t.db
      .insertInto('stations')
      .values({
        id: 's',
        source: 'citizen',
        name: 'S',
        lat: 43,
        lon: 5,
        public_lat: 43,
        public_lon: 5,
        created_at: 0,
        updated_at: 0,
      })
      .execute();
    await t.db
      .insertInto('series')
      .values({ id: 41, station_id: 's', phenomenon: 'pm25', sensor: 'x', unit: 'µg/m³' })
      .execute();
    await resetIdentity(t.db, 'series', 'id');
    const next = await t.db
      .insertInto('series')
      .values({ station_id: 's', phenomenon: 'pm10', sensor: 'x', unit: 'µg/m³' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(next.id).toBe(42);
  });

  it('keeps readings a plain table where TimescaleDB is not available', async () => {
    const t = await open();
    const status = await timescaleStatus(t.db);
    // This server has no TimescaleDB; where it has, the 0003 migration made readings a hypertable.
    if (status.available) expect(status.readingsHypertable).toBe(true);
    else expect(status).toEqual({ available: false, installedIn: null, readingsHypertable: false });
  });

  it('names the schema to create when the URL selects one that does not exist', async () => {
    const t = await open();
    const url = new URL(t.url!);
    url.searchParams.set('options', '-c search_path=souffle_t_missing');
    await expect(openPostgres(url.toString())).rejects.toThrow(
      /no schema of the search path "souffle_t_missing"/,
    );
  });
});
