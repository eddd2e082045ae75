import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTrackPoints } from '../../data/store/device-extras.js';
import type { Evaluation } from '../../data/calibration/evaluate.js';
import { saveCalibration } from '../../data/store/calibrations.js';
import { copyDatabase, COPY_TABLES, countRows, PROGRESS_TABLE } from '../../data/copy-database.js';
import { openDatabase } from '../../data/db.js';
import type { Db } from '../../data/db.js';
import { bumpCounters } from '../../data/store/counters.js';
import { setCursor } from '../../data/store/cursors.js';
import { createDevice } from '../../data/store/devices.js';
import { createEnrolmentCode } from '../../data/store/enrolment-codes.js';
import { createAlertRule } from '../../data/store/alert-rules.js';
import { recordIngestErrors } from '../../data/store/ingest-errors.js';
import { insertReadings, upsertReadings } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDb, tempDir, type TempDb } from '../helpers/temp-db.js';

const T0 = Date.UTC(2026, 2, 1);
const READINGS_PER_SERIES = 1500;

/** A SQLite database with rows in every table, as a season of a small network leaves it. */
async function populate(db: Db): Promise<void> {
  const code = await createEnrolmentCode(db, { uses: 30, expiresAt: null, label: '5e B' }, T0);
  await createDevice(db, { name: 'École Saint-Charles', lat: 43.305, lon: 5.38 });
  await createDevice(db, {
    name: 'Capteur de Léa',
    lat: 43.3,
    lon: 5.4,
    enrolmentCodeId: code.record.id,
    licenceAcceptedAt: T0,
  });
  await createDevice(db, {
    name: 'Toit',
    lat: 43.29,
    lon: 5.37,
    format: 'airgradient',
    serial: 'ecda3b1eaaaf',
  });
  await upsertStation(db, {
    id: 'fr24038',
    source: 'atmosud',
    name: 'Marseille Longchamp',
    lat: 43.3,
    lon: 5.39,
  });
  const series = [
    await ensureSeries(db, {
      stationId: 'ecole-saint-charles',
      phenomenon: 'pm25',
      sensor: 'SDS011',
      unit: 'µg/m³',
    }),
    await ensureSeries(db, {
      stationId: 'ecole-saint-charles',
      phenomenon: 'pm10',
      sensor: 'SDS011',
      unit: 'µg/m³',
    }),
    await ensureSeries(db, { stationId: 'toit', phenomenon: 'co2', sensor: 'S8', unit: 'ppm' }),
  ];
  for (const seriesId of series) {
    const rows = Array.from({ length: READINGS_PER_SERIES }, (_, i) => ({
      seriesId,
      time: T0 + i * 120_000,
      value: (i % 97) + seriesId / 10,
      flags: i % 50 === 0 ? 1 : 0,
    }));
    await insertReadings(db, rows);
  }
  const no2 = await ensureSeries(db, {
    stationId: 'fr24038',
    phenomenon: 'no2',
    sensor: 'reference',
    unit: 'µg/m³',
  });
  await upsertReadings(
    db,
    Array.from({ length: 48 }, (_, h) => ({
      seriesId: no2,
      time: T0 + h * 3_600_000,
      value: 20 + h,
      validation: 'provisional',
    })),
  );
  await recordIngestErrors(db, [
    {
      deviceId: 'toit',
      source: 'mqtt',
      time: T0,
      reason: 'unknown phenomenon "pm2_5"',
      payload: '{"pm2_5":3}',
    },
    { deviceId: null, source: 'atmosud', time: T0 + 1, reason: 'station fr99999 unknown' },
  ]);
  // An airrohr push waiting for the broker, and a mobile kit's fixes (migration 0007).
  await db
    .insertInto('push_outbox')
    .values({
      device_id: 'toit',
      topic: 'souffle/v1/toit/airrohr',
      payload: '{"sensordatavalues":[]}',
      received_at: T0,
    })
    .execute();
  // A push the outbox gave up on, kept with its reason (migration 0010).
  await db
    .insertInto('push_dead_letters')
    .values({
      device_id: 'parti',
      topic: 'souffle/v1/parti/airrohr',
      payload: '{"sensordatavalues":[]}',
      received_at: T0,
      attempts: 20,
      reason: 'the broker refused it 20 times',
      dead_at: T0 + 60_000,
    })
    .execute();
  // The place a moved sensor held before (migration 0010).
  await db
    .insertInto('station_locations')
    .values({
      station_id: 'toit',
      valid_from: T0,
      lat: 43.29,
      lon: 5.37,
      public_lat: 43.29,
      public_lon: 5.37,
    })
    .execute();
  // An owner's alert rule with its queued confirmation mail (migration 0011).
  await createAlertRule(
    db,
    {
      kind: 'offline',
      deviceId: 'toit',
      stationId: 'toit',
      windowMs: 3_600_000,
      channel: 'email',
      target: 'moi@example.org',
      locale: 'fr',
    },
    T0,
  );
  await insertTrackPoints(db, [
    { deviceId: 'toit', time: T0, lat: 43.29, lon: 5.37 },
    { deviceId: 'toit', time: T0 + 145_000, lat: 43.291, lon: 5.371 },
  ]);
  await setCursor(db, {
    source: 'atmosud',
    key: 'measures:fr24038',
    cursor: T0 + 48 * 3_600_000,
    state: { windows: [] },
  });
  await db
    .insertInto('commune_indices')
    .values(
      ['13055', '13001'].map((insee) => ({
        insee,
        date: '2026-03-01',
        lib_zone: insee === '13055' ? 'Marseille' : 'Aix-en-Provence',
        code_qual: 2,
        lib_qual: 'Moyen',
        coul_qual: '#50CCAA',
        code_no2: 1,
        code_so2: 1,
        code_o3: 2,
        code_pm10: 1,
        code_pm25: 2,
        source: 'AtmoSud',
        pulled_at: T0,
      })),
    )
    .execute();
  await bumpCounters(db, [
    { name: 'souffle_ingest_messages_received_total', value: 4500 },
    { name: 'souffle_ingest_values_rejected_total', labels: 'reason="range"', value: 3 },
  ]);
  await saveCalibration(db, {
    stationId: 'ecole-saint-charles',
    deviceId: 'ecole-saint-charles',
    phenomenon: 'pm25',
    sensor: 'SDS011',
    model: 'linear',
    coefficients: { a: 0.6, c: 1.5 },
    referenceStationId: 'fr24038',
    fit: { from: T0, to: T0 + 3_600_000 },
    evaluation: { from: T0 + 3_600_000, to: T0 + 7_200_000 },
    validFrom: T0,
    metrics: { model: 'linear' } as unknown as Evaluation,
  });
}

async function tableRows(db: Db, table: (typeof COPY_TABLES)[number]) {
  let q = db.selectFrom(table.table).selectAll();
  for (const k of table.key) q = q.orderBy(k as never);
  return q.execute();
}

describe('souffle migrate-data: SQLite into PostgreSQL', () => {
  const tmp = tempDir('souffle-migrate-data-');
  const file = `${tmp.dir}/souffle.db`;
  let source: Db;
  const targets: TempDb[] = [];
  const target = async () => {
    const t = await tempDb({ dialect: 'postgres' });
    targets.push(t);
    return t;
  };

  beforeAll(async () => {
    const handle = await openDatabase(file);
    await populate(handle.db);
    source = handle.db;
  });
  afterAll(async () => {
    await source.destroy();
    for (const t of targets) await t.cleanup();
    tmp.cleanup();
  });

  it('copies every table row for row, and new ids follow the copied ones', async () => {
    const pg = await target();
    const summary = await copyDatabase(source, pg.db, { batchRows: 700 });
    expect(summary.mismatches).toEqual([]);
    for (const t of summary.tables) {
      expect(t.source, t.table).toBeGreaterThan(0);
      expect(t.target, t.table).toBe(t.source);
    }
    for (const table of COPY_TABLES) {
      expect(await tableRows(pg.db, table), table.table).toEqual(await tableRows(source, table));
    }
    const again = await copyDatabase(source, pg.db, { batchRows: 700 });
    expect(again.mismatches).toEqual([]);
    expect(again.tables.every((t) => t.skipped && t.copied === 0)).toBe(true);
    const next = await ensureSeries(pg.db, {
      stationId: 'toit',
      phenomenon: 'pm25',
      sensor: 'PMS5003',
      unit: 'µg/m³',
    });
    expect(next).toBe(5);
    const cursorTable = await sql`select to_regclass(${PROGRESS_TABLE}) as t`.execute(pg.db);
    expect(cursorTable.rows).toEqual([{ t: null }]);
  });

  it('resumes an interrupted copy after its last committed batch, without duplicates', async () => {
    const pg = await target();
    const total = await countRows(source, 'readings');
    const controller = new AbortController();
    await expect(
      copyDatabase(source, pg.db, {
        batchRows: 500,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.table === 'readings' && p.scanned >= 2000) controller.abort();
        },
      }),
    ).rejects.toThrow(/copy interrupted after 2000 rows of readings: run it again to resume/);
    expect(await countRows(pg.db, 'readings')).toBe(2000);
    expect(await countRows(pg.db, 'rollups_hourly')).toBe(0);

    const resumed = await copyDatabase(source, pg.db, { batchRows: 500 });
    expect(resumed.mismatches).toEqual([]);
    const readings = resumed.tables.find((t) => t.table === 'readings')!;
    expect(readings).toMatchObject({ resumed: true, copied: total - 2000, target: total });
    expect(resumed.tables.find((t) => t.table === 'stations')).toMatchObject({ skipped: true, copied: 0 });
  });

  it('runs from the command line with progress and a JSON summary, and fails naming a table that differs', async () => {
    const pg = await target();
    const first = await runCli([
      'migrate-data',
      '--from',
      file,
      '--to',
      pg.url!,
      '--batch',
      '1000',
      '--json',
    ]);
    expect(first.stderr).toMatch(/^readings: 4,548 rows read, 4,548 copied in/m);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ verified: true, mismatches: [] });
    expect(summary.tables).toHaveLength(COPY_TABLES.length);

    await pg.db
      .insertInto('counters')
      .values({ name: 'extra', labels: '', value: 1, updated_at: 0 })
      .execute();
    const second = await runCli(['migrate-data', '--from', file, '--to', pg.url!]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^stations: 4 rows, already copied$/m);
    expect(second.stderr).toContain(
      'counts differ after the copy: counters has 2 rows in the source and 3 in the target',
    );
  });

  it('copies PostgreSQL back into a new SQLite file', async () => {
    const pg = await target();
    await copyDatabase(source, pg.db);
    const back = await openDatabase(`${tmp.dir}/back.db`);
    try {
      const summary = await copyDatabase(pg.db, back.db);
      expect(summary.mismatches).toEqual([]);
      for (const table of COPY_TABLES) {
        expect(await tableRows(back.db, table), table.table).toEqual(await tableRows(source, table));
      }
    } finally {
      await back.close();
    }
  });

  it('refuses to copy a database into itself, or from a file that does not exist', async () => {
    const same = await runCli([
      'migrate-data',
      '--from',
      file,
      '--to',
      `${tmp.dir}/../${tmp.dir.split('/').at(-1)}/souffle.db`,
    ]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--from and --to are the same database');
    const missing = await runCli([
      'migrate-data',
      '--from',
      `${tmp.dir}/nope.db`,
      '--to',
      'postgres://127.0.0.1/x',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no SQLite database at ${tmp.dir}/nope.db`);
  });
});
