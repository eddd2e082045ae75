import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDevice, getDevice } from '../../../data/store/devices.js';
import { insertReadings, upsertReadings, type NewReading } from '../../../data/store/readings.js';
import { removeProvisionalReadings } from '../../../data/store/remove-readings.js';
import { readSeries } from '../../../data/store/read-series.js';
import { lastReadingTimes, seriesWithLatest } from '../../../data/store/latest.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { DAY_MS, HOUR_MS, type RollupTable } from '../../../data/store/rollups.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const T0 = Date.UTC(2026, 10, 28, 8, 0, 0);

/** Rollups recomputed from the raw rows with SQL, independently of the store's incremental path. */
async function recomputed(t: TempDb, width: number) {
  const { rows } = await sql<Record<string, number>>`
    select series_id, (time / ${sql.lit(width)}) * ${sql.lit(width)} as bucket, count(*) as n,
           sum(value) as sum, min(value) as min, max(value) as max, sum(value * value) as sum_sq
      from readings group by series_id, bucket order by series_id, bucket`.execute(t.db);
  return rows;
}

function stored(t: TempDb, table: RollupTable) {
  return t.db
    .selectFrom(table)
    .select(['series_id', 'bucket', 'n', 'sum', 'min', 'max', 'sum_sq'])
    .orderBy('series_id')
    .orderBy('bucket')
    .execute();
}

async function count(t: TempDb, table: 'readings' | RollupTable) {
  const row = await t.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function expectRollupsMatchRawRows(t: TempDb) {
  for (const [table, width] of [
    ['rollups_hourly', HOUR_MS],
    ['rollups_daily', DAY_MS],
  ] as const) {
    const a = await stored(t, table);
    const b = await recomputed(t, width);
    expect(a.length).toBe(b.length);
    a.forEach((row, i) => {
      const other = b[i]!;
      expect([row.series_id, row.bucket, row.n, row.min, row.max]).toEqual([
        other.series_id,
        other.bucket,
        other.n,
        other.min,
        other.max,
      ]);
      expect(row.sum).toBeCloseTo(other.sum!, 6);
      expect(row.sum_sq).toBeCloseTo(other.sum_sq!, 4);
    });
  }
}

describe('storing readings', () => {
  let t: TempDb;
  let pm25: number;
  let pm10: number;

  beforeEach(async () => {
    t = await tempDb();
    await upsertStation(t.db, { id: 'ecole', source: 'citizen', name: 'École', lat: 43.305, lon: 5.38 });
    pm25 = await ensureSeries(t.db, {
      stationId: 'ecole',
      phenomenon: 'pm25',
      sensor: 'SDS011',
      unit: 'µg/m³',
    });
    pm10 = await ensureSeries(t.db, {
      stationId: 'ecole',
      phenomenon: 'pm10',
      sensor: 'SDS011',
      unit: 'µg/m³',
    });
  });
  afterEach(async () => t.cleanup());

  it('returns the same series id for the same station, phenomenon and sensor', async () => {
    expect(
      await ensureSeries(t.db, { stationId: 'ecole', phenomenon: 'pm25', sensor: 'SDS011', unit: 'µg/m³' }),
    ).toBe(pm25);
    expect(pm10).not.toBe(pm25);
  });

  it('leaves one row and the same rollups when the same message arrives twice', async () => {
    const message: NewReading[] = [
      { seriesId: pm25, time: T0, value: 12.3 },
      { seriesId: pm10, time: T0, value: 20.1 },
    ];
    expect(await insertReadings(t.db, message)).toEqual({ inserted: 2, replaced: 0, unchanged: 0 });
    const rollupsBefore = [await stored(t, 'rollups_hourly'), await stored(t, 'rollups_daily')];
    expect(await insertReadings(t.db, message)).toEqual({ inserted: 0, replaced: 0, unchanged: 2 });
    expect(await count(t, 'readings')).toBe(2);
    expect([await stored(t, 'rollups_hourly'), await stored(t, 'rollups_daily')]).toEqual(rollupsBefore);
  });

  it("stores a batch of any size at once, and moves its devices' last-seen times forward only", async () => {
    await createDevice(t.db, { id: 'capteur', name: 'Capteur', lat: 43.3, lon: 5.4 });
    await createDevice(t.db, { id: 'balcon', name: 'Balcon', lat: 43.3, lon: 5.4 });
    const rows = Array.from({ length: 1100 }, (_, i) => ({
      seriesId: i % 2 ? pm25 : pm10,
      time: T0 + Math.floor(i / 2) * 60_000,
      value: i % 97,
    }));
    const heard = (capteur: number, balcon: number) => ({
      lastSeen: new Map([
        ['capteur', capteur],
        ['balcon', balcon],
      ]),
    });
    expect(await insertReadings(t.db, rows.slice(0, 700).reverse(), heard(T0 + 5, T0))).toEqual({
      inserted: 700,
      replaced: 0,
      unchanged: 0,
    });
    expect(await insertReadings(t.db, rows, heard(T0, T0 + 9))).toEqual({
      inserted: 400,
      replaced: 0,
      unchanged: 700,
    });
    expect(await count(t, 'readings')).toBe(1100);
    await expectRollupsMatchRawRows(t);
    expect((await getDevice(t.db, 'capteur'))?.last_seen).toBe(T0 + 5);
    expect((await getDevice(t.db, 'balcon'))?.last_seen).toBe(T0 + 9);
  });

  it('keeps rollups equal to aggregates recomputed from the raw rows, whatever arrives (property)', async () => {
    const reading = fc.record({
      series: fc.constantFrom(0, 1),
      // three days of minutes, so buckets of both widths are crossed
      minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      // Values as sensors report them (at most 3 decimals). Arbitrary doubles would include
      // subnormals such as 5e-324, whose square underflows: PostgreSQL raises an error on that in
      // the recomputing query's sum(value * value), where SQLite returns 0.
      value: fc.integer({ min: 0, max: 999_000 }).map((v) => v / 1000),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(reading, { minLength: 1, maxLength: 8 }), { maxLength: 30 }),
        async (messages) => {
          for (const table of ['readings', 'rollups_hourly', 'rollups_daily'] as const) {
            await t.db.deleteFrom(table).execute();
          }
          for (const m of messages) {
            await insertReadings(
              t.db,
              m.map((r) => ({
                seriesId: r.series === 0 ? pm25 : pm10,
                time: T0 + r.minute * 60_000,
                value: r.value,
              })),
            );
          }
          await expectRollupsMatchRawRows(t);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps rollups equal to a recomputation through inserts, corrections, validations and removals (property)', async () => {
    const minute = fc.integer({ min: 0, max: 3 * 24 * 60 });
    const value = fc.integer({ min: 0, max: 999_000 }).map((v) => v / 1000);
    const reading = fc.record({ series: fc.constantFrom(0, 1), minute, value });
    // A few minutes only, so that operations often hit the same keys.
    const hotMinute = fc.constantFrom(0, 59, 60, 1439, 1440, 2000);
    const hotReading = fc.record({ series: fc.constantFrom(0, 1), minute: hotMinute, value });
    const anyReading = fc.oneof(reading, hotReading);
    const op = fc.oneof(
      // A citizen message (a value re-sent for a stored time replaces it), stored provisional so
      // that removals have something to act on.
      fc.record({
        kind: fc.constant('insert' as const),
        rows: fc.array(anyReading, { minLength: 1, maxLength: 8 }),
      }),
      // An AtmoSud answer: values validated or not, replacing what differs.
      fc.record({
        kind: fc.constant('upsert' as const),
        rows: fc.array(fc.record({ r: anyReading, validated: fc.boolean() }), { minLength: 1, maxLength: 8 }),
      }),
      // An invalidation: provisional values at these times go, validated ones stay.
      fc.record({
        kind: fc.constant('remove' as const),
        series: fc.constantFrom(0, 1),
        minutes: fc.array(fc.oneof(minute, hotMinute), { minLength: 1, maxLength: 6 }),
      }),
    );
    const toReading = (r: { series: number; minute: number; value: number }, validation: string) => ({
      seriesId: r.series === 0 ? pm25 : pm10,
      time: T0 + r.minute * 60_000,
      value: r.value,
      validation,
    });
    const validatedRows = async () =>
      (
        await t.db
          .selectFrom('readings')
          .select(['series_id', 'time', 'value'])
          .where('validation', '=', 'validated')
          .orderBy('series_id')
          .orderBy('time')
          .execute()
      ).map((r) => `${r.series_id}:${r.time}=${r.value}`);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        for (const table of ['readings', 'rollups_hourly', 'rollups_daily'] as const) {
          await t.db.deleteFrom(table).execute();
        }
        for (const o of ops) {
          if (o.kind === 'insert') {
            await insertReadings(
              t.db,
              o.rows.map((r) => toReading(r, 'provisional')),
            );
          } else if (o.kind === 'upsert') {
            // One value per key, as the puller sends (an hour listed twice keeps its last value).
            const byKey = new Map(
              o.rows.map(({ r, validated }) => {
                const reading = toReading(r, validated ? 'validated' : 'provisional');
                return [`${reading.seriesId}:${reading.time}`, reading];
              }),
            );
            await upsertReadings(t.db, [...byKey.values()]);
          } else {
            const before = await validatedRows();
            const times = [...new Set(o.minutes.map((m) => T0 + m * 60_000))];
            await removeProvisionalReadings(t.db, o.series === 0 ? pm25 : pm10, times);
            expect(await validatedRows()).toEqual(before);
          }
        }
        await expectRollupsMatchRawRows(t);
      }),
      { numRuns: 60 },
    );
  });

  it('replaces a stored value re-sent with another value, and leaves one re-sent as it was alone', async () => {
    await insertReadings(t.db, [
      { seriesId: pm25, time: T0, value: 12, flags: 0 },
      { seriesId: pm25, time: T0 + 60_000, value: 40 },
    ]);
    // A redelivery with other flags (quality control may have flagged the stored row since) is a
    // no-op; a corrected value replaces the row, flags included.
    await t.db.updateTable('readings').set({ flags: 4 }).where('time', '=', T0).execute();
    expect(await insertReadings(t.db, [{ seriesId: pm25, time: T0, value: 12 }])).toEqual({
      inserted: 0,
      replaced: 0,
      unchanged: 1,
    });
    expect(
      await insertReadings(t.db, [
        { seriesId: pm25, time: T0 + 60_000, value: 4, flags: 2 },
        { seriesId: pm25, time: T0 + 120_000, value: 5 },
      ]),
    ).toEqual({ inserted: 1, replaced: 1, unchanged: 0 });
    // The same key twice in one batch: the last one sent wins.
    expect(
      await insertReadings(t.db, [
        { seriesId: pm10, time: T0, value: 1 },
        { seriesId: pm10, time: T0, value: 2 },
      ]),
    ).toEqual({ inserted: 1, replaced: 1, unchanged: 0 });
    const rows = await t.db
      .selectFrom('readings')
      .select(['series_id', 'time', 'value', 'flags'])
      .orderBy('series_id')
      .orderBy('time')
      .execute();
    expect(rows.map((r) => [r.series_id, r.time - T0, r.value, r.flags])).toEqual(
      [
        [pm25, 0, 12, 4],
        [pm25, 60_000, 4, 2],
        [pm25, 120_000, 5, 0],
        [pm10, 0, 2, 0],
      ].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
    );
    const [hour] = await readSeries(t.db, { seriesId: pm25, from: T0, to: T0 + HOUR_MS, step: '1h' });
    expect(hour).toMatchObject({ min: 4, max: 12, n: 3 });
    await expectRollupsMatchRawRows(t);
  });

  it('replaces a provisional reference value by its validated version and recomputes the rollups', async () => {
    await upsertReadings(t.db, [
      { seriesId: pm25, time: T0, value: 10, validation: 'provisional' },
      { seriesId: pm25, time: T0 + HOUR_MS, value: 30, validation: 'provisional' },
    ]);
    const result = await upsertReadings(t.db, [
      { seriesId: pm25, time: T0, value: 4, validation: 'validated' },
      { seriesId: pm25, time: T0 + HOUR_MS, value: 30, validation: 'provisional' },
    ]);
    expect(result).toEqual({ inserted: 0, replaced: 1, unchanged: 1 });
    expect(
      await t.db.selectFrom('readings').select(['value', 'validation']).where('time', '=', T0).execute(),
    ).toEqual([{ value: 4, validation: 'validated' }]);
    const [day] = await readSeries(t.db, { seriesId: pm25, from: T0 - DAY_MS, to: T0 + DAY_MS, step: '1d' });
    expect(day).toMatchObject({ min: 4, max: 30, n: 2, value: 17 });
    await expectRollupsMatchRawRows(t);
  });

  it('reads a series raw with a keyset cursor, and rolled up by hour and day', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({ seriesId: pm25, time: T0 + i * 60_000, value: i }));
    await insertReadings(t.db, rows);
    const page1 = await readSeries(t.db, {
      seriesId: pm25,
      from: T0,
      to: T0 + DAY_MS,
      step: 'raw',
      limit: 50,
    });
    const page2 = await readSeries(t.db, {
      seriesId: pm25,
      from: T0,
      to: T0 + DAY_MS,
      step: 'raw',
      limit: 100,
      after: page1.at(-1)!.t,
    });
    expect(page1).toHaveLength(50);
    expect(page2).toHaveLength(70);
    expect(page2[0]!.t).toBe(T0 + 50 * 60_000);
    const hours = await readSeries(t.db, { seriesId: pm25, from: T0, to: T0 + DAY_MS, step: '1h' });
    expect(hours).toEqual([
      { t: T0, value: 29.5, min: 0, max: 59, n: 60 },
      { t: T0 + HOUR_MS, value: 89.5, min: 60, max: 119, n: 60 },
    ]);
  });

  it('finds the latest value of each series and when each station was last heard from', async () => {
    await ensureSeries(t.db, { stationId: 'ecole', phenomenon: 'no2', sensor: 'x', unit: 'µg/m³' });
    await insertReadings(t.db, [
      { seriesId: pm25, time: T0, value: 1 },
      { seriesId: pm25, time: T0 + 60_000, value: 2 },
      { seriesId: pm10, time: T0, value: 3 },
    ]);
    const latest = await seriesWithLatest(t.db, 'ecole');
    expect(latest.map((l) => [l.phenomenon, l.value, l.time])).toEqual([
      ['no2', null, null], // a series without a reading yet
      ['pm10', 3, T0],
      ['pm25', 2, T0 + 60_000],
    ]);
    expect(await lastReadingTimes(t.db)).toEqual(new Map([['ecole', T0 + 60_000]]));
  });
});
