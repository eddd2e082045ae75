import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDevice, getDevice } from '../../../data/store/devices.js';
import { insertReadings, upsertReadings, type NewReading } from '../../../data/store/readings.js';
import { removeProvisionalReadings } from '../../../data/store/remove-readings.js';
import { readSeries } from '../../../data/store/read-series.js';
import { lastReadingTimes, seriesWithLatest } from '../../../data/store/latest.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { DAY_MS, HOUR_MS, recomputeRollups } from '../../../data/store/rollups.js';
import { FLAGS } from '../../../data/flags.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const T0 = Date.UTC(2026, 10, 28, 8, 0, 0);
const ROLLUP_COLUMNS = [
  'series_id',
  'bucket',
  'n',
  'sum',
  'min',
  'max',
  'sum_sq',
  'slots',
  'n_flagged',
  'n_humid',
] as const;
type RollupRow = { [K in (typeof ROLLUP_COLUMNS)[number]]: number | null };

/**
 * Hourly rollups recomputed from the raw rows by a plain reading of the rules, independently of
 * the store: readings with channel_disagreement, stuck or spike are left out (counted in
 * n_flagged), humid ones stay (counted in n_humid), each counted reading covers the 5-minute slot
 * of the hour it falls in, or, for a series whose readings are hourly means, the whole hour.
 */
async function recomputed(t: TempDb): Promise<RollupRow[]> {
  const rows = await t.db
    .selectFrom('readings as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['r.series_id', 'r.time', 'r.value', 'r.flags', 's.covers'])
    .execute();
  const byKey = new Map<string, RollupRow>();
  for (const r of rows) {
    const bucket = Math.floor(r.time / HOUR_MS) * HOUR_MS;
    const key = `${r.series_id}:${bucket}`;
    const a = byKey.get(key) ?? {
      series_id: r.series_id,
      bucket,
      n: 0,
      sum: 0,
      min: null,
      max: null,
      sum_sq: 0,
      slots: 0,
      n_flagged: 0,
      n_humid: 0,
    };
    byKey.set(key, a);
    const excluded = r.flags & (FLAGS.channel_disagreement | FLAGS.stuck | FLAGS.spike);
    if (excluded) {
      a.n_flagged! += 1;
      continue;
    }
    a.n! += 1;
    a.sum! += r.value;
    a.sum_sq! += r.value * r.value;
    a.min = a.min === null ? r.value : Math.min(a.min, r.value);
    a.max = a.max === null ? r.value : Math.max(a.max, r.value);
    if (r.flags & FLAGS.humid) a.n_humid! += 1;
    if (r.covers >= HOUR_MS) a.slots = 0xfff;
    else a.slots! |= 1 << Math.floor((r.time - bucket) / 300_000);
  }
  return [...byKey.values()].sort((a, b) => a.series_id! - b.series_id! || a.bucket! - b.bucket!);
}

function stored(t: TempDb): Promise<RollupRow[]> {
  return t.db
    .selectFrom('rollups_hourly')
    .select(ROLLUP_COLUMNS)
    .orderBy('series_id')
    .orderBy('bucket')
    .execute();
}

async function count(t: TempDb, table: 'readings' | 'rollups_hourly') {
  const row = await t.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function expectSameRollups(a: RollupRow[], b: RollupRow[]) {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    const other = b[i]!;
    const exact = ['series_id', 'bucket', 'n', 'min', 'max', 'slots', 'n_flagged', 'n_humid'] as const;
    expect(exact.map((c) => row[c])).toEqual(exact.map((c) => other[c]));
    expect(row.sum).toBeCloseTo(other.sum!, 6);
    expect(row.sum_sq).toBeCloseTo(other.sum_sq!, 4);
  });
}

async function expectRollupsMatchRawRows(t: TempDb) {
  expectSameRollups(await stored(t), await recomputed(t));
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
    const rollupsBefore = await stored(t);
    expect(await insertReadings(t.db, message)).toEqual({ inserted: 0, replaced: 0, unchanged: 2 });
    expect(await count(t, 'readings')).toBe(2);
    expect(await stored(t)).toEqual(rollupsBefore);
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

  it('keeps rollups equal to aggregates recomputed from the raw rows, whatever arrives, flags included (property)', async () => {
    const hourly = await ensureSeries(t.db, {
      stationId: 'ecole',
      phenomenon: 'no2',
      sensor: 'reference',
      unit: 'µg/m³',
      covers: HOUR_MS,
    });
    const reading = fc.record({
      series: fc.constantFrom(0, 1, 2),
      // two days of seconds, so hours and slots are crossed at any offset
      second: fc.integer({ min: 0, max: 2 * 24 * 3600 }),
      // Values as sensors report them (at most 3 decimals). Arbitrary doubles would include
      // subnormals such as 5e-324, whose square underflows.
      value: fc.integer({ min: 0, max: 999_000 }).map((v) => v / 1000),
      // any combination of the four flags, none most often
      flags: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 15 })),
    });
    const seriesOf = [pm25, pm10, hourly];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(reading, { minLength: 1, maxLength: 8 }), { maxLength: 30 }),
        async (messages) => {
          for (const table of ['readings', 'rollups_hourly'] as const) await t.db.deleteFrom(table).execute();
          for (const m of messages) {
            await insertReadings(
              t.db,
              m.map((r) => ({
                seriesId: seriesOf[r.series]!,
                // the hourly series has one value per hour, at its start, as AtmoSud publishes
                time: r.series === 2 ? T0 + Math.floor(r.second / 3600) * HOUR_MS : T0 + r.second * 1000,
                value: r.value,
                flags: r.flags,
                ...(r.series === 2 ? { covers: HOUR_MS } : {}),
              })),
            );
          }
          const incremental = await stored(t);
          expectSameRollups(incremental, await recomputed(t));
          // and the store's own recomputation agrees with its incremental path
          for (const id of seriesOf) await recomputeRollups(t.db, id, T0 - HOUR_MS, T0 + 3 * DAY_MS);
          expectSameRollups(await stored(t), incremental);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps rollups equal to a recomputation with batches of a worker, new or partly stored already (property)', async () => {
    // Batches of 64 rows and more are first inserted without RETURNING, and inserted again with it
    // when some of their rows were stored already (insertFresh): both ways must give the rollups
    // of the rows, and keep the last value sent for each key.
    const reading = (seconds: number) =>
      fc.record({
        series: fc.constantFrom(0, 1),
        second: fc.integer({ min: 0, max: seconds }),
        value: fc.integer({ min: 0, max: 999_000 }).map((v) => v / 1000),
        flags: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 15 })),
      });
    // Two days of seconds (a batch of new keys, as a live worker stores) or two hours of minutes
    // (keys met again: a redelivered or corrected backlog).
    const batch = fc.oneof(
      fc.array(reading(2 * 24 * 3600), { minLength: 60, maxLength: 200 }),
      fc.array(
        reading(120).map((r) => ({ ...r, second: r.second * 60 })),
        { minLength: 60, maxLength: 200 },
      ),
    );
    const seriesOf = [pm25, pm10];
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 4 }), async (batches) => {
        for (const table of ['readings', 'rollups_hourly'] as const) await t.db.deleteFrom(table).execute();
        const last = new Map<string, number>();
        for (const b of batches) {
          const rows = b.map((r) => ({
            seriesId: seriesOf[r.series]!,
            time: T0 + r.second * 1000,
            value: r.value,
            flags: r.flags,
          }));
          await insertReadings(t.db, rows);
          for (const r of rows) last.set(`${r.seriesId}:${r.time}`, r.value);
        }
        expectSameRollups(await stored(t), await recomputed(t));
        const rows = await t.db.selectFrom('readings').select(['series_id', 'time', 'value']).execute();
        expect(new Map(rows.map((r) => [`${r.series_id}:${r.time}`, r.value]))).toEqual(last);
      }),
      { numRuns: 40 },
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
        for (const table of ['readings', 'rollups_hourly'] as const) {
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
    // 12 (stuck) and 4 (channel_disagreement) are left out of the mean, counted as flagged.
    expect(hour).toMatchObject({ min: 5, max: 5, n: 1, nFlagged: 2 });
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
    const hours = await readSeries(t.db, { seriesId: pm25, from: T0 - DAY_MS, to: T0 + DAY_MS, step: '1h' });
    expect(hours.map((h) => [h.value, h.n])).toEqual([
      [4, 1],
      [30, 1],
    ]);
    await expectRollupsMatchRawRows(t);
  });

  it('reads a series raw with a keyset cursor, and rolled up by hour with its statistics', async () => {
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
    const sd = Math.sqrt((60 * 61) / 12); // sample sd of 60 consecutive integers
    expect(hours).toEqual(
      [
        { t: T0, value: 29.5, min: 0, max: 59, n: 60, sd, coverage: 1, valid: true, nFlagged: 0, nHumid: 0 },
        {
          t: T0 + HOUR_MS,
          value: 89.5,
          min: 60,
          max: 119,
          n: 60,
          sd,
          coverage: 1,
          valid: true,
          nFlagged: 0,
          nHumid: 0,
        },
      ].map((h) => ({ ...h, sd: expect.closeTo(h.sd, 9) })),
    );
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
