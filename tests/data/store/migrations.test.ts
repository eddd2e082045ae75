import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type OpenDatabase } from '../../../data/db.js';
import { migrationProvider } from '../../../data/migrations/index.js';
import { runCli } from '../../helpers/run-cli.js';
import { tempDir } from '../../helpers/temp-db.js';

describe('opening a database', () => {
  const dirs: Array<() => void> = [];
  afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));

  it('creates the file and its folder, and migrates it from empty', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const path = join(dir, 'nested', 'souffle.db');
    const handle = await openDatabase(path);
    expect(existsSync(path)).toBe(true);
    const tables = handle.sqlite
      .prepare(
        "select name, sql from sqlite_master where type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%' order by name",
      )
      .all() as Array<{ name: string; sql: string }>;
    expect(tables.map((t) => t.name)).toEqual([
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
    ]);
    // Every table is STRICT: SQLite enforces the declared types.
    for (const t of tables) expect(t.sql.toLowerCase()).toMatch(/strict$/);
    await handle.close();
  });

  it('rebuilds devices for the json-map format (0010) keeping every device and what refers to it', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const handle = await openDatabase(join(dir, 'souffle.db'), { migrate: false });
    const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
    expect((await migrator.migrateTo('0008-citizen-enrolment')).error).toBeUndefined();
    const run = (sql: string) => handle.sqlite.prepare(sql).run();
    run(`insert into stations (id, source, name, lat, lon, public_lat, public_lon, created_at, updated_at)
         values ('kit', 'citizen', 'Kit', 43.3, 5.4, 43.3, 5.4, 0, 0)`);
    run(`insert into devices (id, station_id, format, token_hash, created_at, mobile)
         values ('kit', 'kit', 'airrohr', 'h', 0, 1)`);
    run(`insert into push_outbox (device_id, topic, payload, received_at) values ('kit', 't', '{}', 1)`);
    run(`insert into device_locations (device_id, time, lat, lon) values ('kit', 1, 43.3, 5.4)`);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const count = (table: string) =>
      (handle.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    expect([count('devices'), count('push_outbox'), count('device_locations')]).toEqual([1, 1, 1]);
    run(`insert into stations (id, source, name, lat, lon, public_lat, public_lon, created_at, updated_at)
         values ('node', 'citizen', 'Node', 43.3, 5.4, 43.3, 5.4, 0, 0)`);
    run(`insert into devices (id, station_id, format, token_hash, created_at, json_map)
         values ('node', 'node', 'json-map', 'h', 0, '[]')`);
    expect(() => run(`update devices set format = 'other' where id = 'node'`)).toThrow(/CHECK/);
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    await handle.close();
  });

  it('sets WAL, a busy timeout and foreign keys', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const handle = await openDatabase(join(dir, 'souffle.db'), { busyTimeoutMs: 1234 });
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(handle.sqlite.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    await handle.close();
  });

  it('applies each migration once: migrating again changes nothing', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const handle = await openDatabase(join(dir, 'souffle.db'));
    const again = await migrate(handle.db);
    expect(again.results).toEqual([]);
    await handle.close();
  });

  it('rejects a value of the wrong type, because the tables are STRICT', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const handle = await openDatabase(join(dir, 'souffle.db'));
    expect(() =>
      handle.sqlite
        .prepare('insert into counters (name, labels, value, updated_at) values (?, ?, ?, ?)')
        .run('x', '', 'not a number', 0),
    ).toThrow(/cannot store TEXT value in REAL column/);
    await handle.close();
  });
});

describe('migration 0004: hourly rollups rebuilt under the validity rules', () => {
  const dirs: Array<() => void> = [];
  afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));
  const H = 3_600_000;
  const T0 = Date.UTC(2026, 0, 5, 10);

  /** A database as 0003 left it: 6 citizen series and one AtmoSud series, readings, old rollups. */
  async function databaseAt0003() {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const path = join(dir, 'souffle.db');
    const handle = await openDatabase(path, { migrate: false });
    const result = await new Migrator({ db: handle.db, provider: migrationProvider }).migrateTo(
      '0003-timescale-readings',
    );
    expect(result.error).toBeUndefined();
    const run = (sql: string, ...args: unknown[]) => handle.sqlite.prepare(sql).run(...args);
    run(`insert into stations (id, source, name, lat, lon, public_lat, public_lon, created_at, updated_at)
         values ('ecole', 'citizen', 'École', 43.3, 5.4, 43.3, 5.4, 0, 0),
                ('atmosud-FR1', 'atmosud', 'Ref', 43.3, 5.4, 43.3, 5.4, 0, 0)`);
    for (let s = 1; s <= 6; s++) {
      run(
        `insert into series (id, station_id, phenomenon, sensor, unit) values (?, 'ecole', ?, 'x', 'u')`,
        s,
        `p${s}`,
      );
      // an hour with a reading every minute, one flagged spike (8), and a lone reading the next hour
      for (let m = 0; m < 60; m++)
        run(
          'insert into readings (series_id, time, value, flags) values (?, ?, ?, ?)',
          s,
          T0 + m * 60_000,
          m,
          m === 7 ? 8 : 0,
        );
      run(
        'insert into readings (series_id, time, value, flags) values (?, ?, ?, 0)',
        s,
        T0 + H + 600_000,
        99,
      );
      run(
        'insert into rollups_hourly (series_id, bucket, n, sum, min, max, sum_sq) values (?, ?, 60, 1, 0, 59, 1)',
        s,
        T0,
      );
      run(
        'insert into rollups_daily (series_id, bucket, n, sum, min, max, sum_sq) values (?, ?, 61, 1, 0, 99, 1)',
        s,
        T0 - 10 * H,
      );
    }
    run(
      `insert into series (id, station_id, phenomenon, sensor, unit) values (7, 'atmosud-FR1', 'no2', 'reference', 'µg/m³')`,
    );
    run(
      `insert into readings (series_id, time, value, flags, validation) values (7, ?, 20, 0, 'validated')`,
      T0,
    );
    return { path, handle };
  }

  const hourly = (sqlite: OpenDatabase['sqlite']) =>
    sqlite
      .prepare(
        'select series_id, bucket, n, sum, min, max, slots, n_flagged, n_humid from rollups_hourly order by series_id, bucket',
      )
      .all() as Array<Record<string, number>>;

  it('recomputes every series, resuming after an interruption where it stopped', async () => {
    const { path, handle } = await databaseAt0003();
    const seen: string[] = [];
    // Interrupted after the third series is committed, as a kill between two series would.
    await expect(
      migrate(handle.db, {
        onRebuildProgress: ({ done, total }) => {
          seen.push(`${done}/${total}`);
          if (done === 3) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(seen).toEqual(['1/7', '2/7', '3/7']);
    const queued = handle.sqlite
      .prepare('select series_id from rollup_rebuild_queue order by series_id')
      .all();
    expect(queued).toEqual([4, 5, 6, 7].map((series_id) => ({ series_id })));
    expect(new Set(hourly(handle.sqlite).map((r) => r.series_id))).toEqual(new Set([1, 2, 3]));
    await handle.close();

    // The next run (a new process would do the same: the queue is in the database) resumes.
    const again = await openDatabase(path, { migrate: false });
    const resumed: string[] = [];
    const result = await migrate(again.db, {
      onRebuildProgress: ({ done, total }) => resumed.push(`${done}/${total}`),
    });
    expect(result.results).toEqual([]);
    expect(result.rebuiltSeries).toBe(4);
    expect(resumed).toEqual(['4/7', '5/7', '6/7', '7/7']);
    const rows = hourly(again.sqlite);
    // Per citizen series: the full hour without its spike (59 readings, 12 slots, 1 flagged), and
    // the lone reading's hour (1 slot); the AtmoSud hourly mean covers its whole hour.
    for (let s = 1; s <= 6; s++) {
      expect(rows.filter((r) => r.series_id === s)).toEqual([
        {
          series_id: s,
          bucket: T0,
          n: 59,
          sum: 1770 - 7,
          min: 0,
          max: 59,
          slots: 0xfff,
          n_flagged: 1,
          n_humid: 0,
        },
        {
          series_id: s,
          bucket: T0 + H,
          n: 1,
          sum: 99,
          min: 99,
          max: 99,
          slots: 0b100,
          n_flagged: 0,
          n_humid: 0,
        },
      ]);
    }
    expect(rows.filter((r) => r.series_id === 7)).toEqual([
      { series_id: 7, bucket: T0, n: 1, sum: 20, min: 20, max: 20, slots: 0xfff, n_flagged: 0, n_humid: 0 },
    ]);
    expect(again.sqlite.prepare('select covers from series where id = 7').get()).toEqual({ covers: H });
    expect(again.sqlite.prepare('select count(*) as n from rollup_rebuild_queue').get()).toEqual({ n: 0 });
    await again.close();
  });

  it('prints its progress from `souffle migrate`', async () => {
    const { path, handle } = await databaseAt0003();
    await handle.close();
    const run = await runCli(['migrate'], { SOUFFLE_DB: path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('recomputed 1/7 series\nrecomputed 2/7 series');
    expect(run.stderr).toContain('recomputed 7/7 series');
    // Later migrations follow 0004 in the same run: the line names them, whichever they are.
    expect(run.stdout).toMatch(
      /applied 0004-hourly-validity(, [0-9a-z-]+)*; recomputed the hourly rollups of 7 series/,
    );
  });
});
