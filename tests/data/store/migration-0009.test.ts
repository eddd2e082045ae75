// Migration 0009 (issue 15): stations.source accepts the imported networks, on SQLite (a table
// rebuild) and PostgreSQL (the CHECK replaced), without touching a station's devices, series and
// readings, which reference it with ON DELETE CASCADE.
import { sql } from 'kysely';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../data/db.js';
import { migrationProvider } from '../../../data/migrations/index.js';
import type { Db } from '../../../data/db.js';
import type { StationSource } from '../../../data/schema.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const station = (id: string, source: string) => ({
  id,
  source: source as StationSource,
  name: id,
  lat: 43.3,
  lon: 5.4,
  public_lat: 43.3,
  public_lon: 5.4,
  created_at: 0,
  updated_at: 0,
});

describe('migration 0009', () => {
  let t: TempDb | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('accepts sensor.community and opensensemap stations, still refuses others, and keeps every row', async () => {
    t = await tempDb();
    const db = t.db as unknown as Db;
    // Back to 0008 (0009's down), with a citizen station, its device, a series and a reading.
    const migrator = new Migrator({ db, provider: migrationProvider });
    const down = await migrator.migrateTo('0008-citizen-enrolment');
    expect(down.error).toBeUndefined();
    await db.insertInto('stations').values(station('ecole', 'citizen')).execute();
    await expect(
      db.insertInto('stations').values(station('sc-1', 'sensor.community')).execute(),
    ).rejects.toThrow(/check/i);
    await db
      .insertInto('devices')
      .values({ id: 'ecole', station_id: 'ecole', format: 'airrohr', token_hash: 'x', created_at: 0 })
      .execute();
    const { id: seriesId } = await db
      .insertInto('series')
      .values({ station_id: 'ecole', phenomenon: 'pm25', sensor: 'SDS011', unit: 'µg/m³' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('readings').values({ series_id: seriesId, time: 1000, value: 12 }).execute();

    await migrate(db);
    await db.insertInto('stations').values(station('sc-1', 'sensor.community')).execute();
    await db.insertInto('stations').values(station('osem-abc', 'opensensemap')).execute();
    await expect(db.insertInto('stations').values(station('x', 'elsewhere')).execute()).rejects.toThrow(
      /check/i,
    );
    // Nothing cascaded: the device, the series and the reading are still there, still linked.
    expect(await db.selectFrom('devices').select(['id', 'station_id']).execute()).toEqual([
      { id: 'ecole', station_id: 'ecole' },
    ]);
    expect(await db.selectFrom('readings').select(['series_id', 'value']).execute()).toEqual([
      { series_id: seriesId, value: 12 },
    ]);
    // The foreign keys still hold: deleting the station removes its device and series.
    await db.deleteFrom('stations').where('id', '=', 'ecole').execute();
    expect(await db.selectFrom('devices').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('series').select('id').execute()).toEqual([]);
    if (t.dialect === 'sqlite') {
      const { rows } = await sql<{ name: string; sql: string }>`
        select name, sql from sqlite_master where tbl_name = 'stations' and type = 'index' and sql is not null`.execute(
        db,
      );
      expect(rows.map((r) => r.name)).toContain('stations_source');
      expect(t.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    }
  });
});
