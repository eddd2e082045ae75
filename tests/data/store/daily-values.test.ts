import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLAGS } from '../../../data/flags.js';
import { localDay } from '../../../data/local-days.js';
import { readSeries } from '../../../data/store/read-series.js';
import { insertReadings, type NewReading } from '../../../data/store/readings.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const PARIS = 'Europe/Paris';
/** Long after every day below: they are all over. */
const NOW = Date.UTC(2027, 0, 1);

/** Readings of one hour from `hourStart + offset`, every `interval` ms, while inside the hour. */
function hourOf(
  seriesId: number,
  hourStart: number,
  value: number,
  { interval = 60_000, offset = 0, until = HOUR, flags = 0 } = {},
): NewReading[] {
  const out: NewReading[] = [];
  for (let t = offset; t < until; t += interval) out.push({ seriesId, time: hourStart + t, value, flags });
  return out;
}

describe('valid hourly means and daily values', () => {
  let t: TempDb;
  let pm25: number;

  beforeEach(async () => {
    t = await tempDb();
    await upsertStation(t.db, { id: 'ecole', source: 'citizen', name: 'École', lat: 43.305, lon: 5.38 });
    pm25 = await ensureSeries(t.db, {
      stationId: 'ecole',
      phenomenon: 'pm25',
      sensor: 'SDS011',
      unit: 'µg/m³',
    });
  });
  afterEach(async () => t.cleanup());

  const hours = (from: number, to: number, now = NOW) =>
    readSeries(t.db, { seriesId: pm25, from, to, step: '1h', now });
  const days = (from: number, to: number, now = NOW) =>
    readSeries(t.db, { seriesId: pm25, from, to, step: '1d', timeZone: PARIS, now });

  it('makes an hour valid from 45 minutes covered: 9 five-minute slots, not 8', async () => {
    const h0 = Date.UTC(2026, 5, 1, 8);
    // One reading every 5 minutes: minutes 0..40 cover 9 slots, minutes 0..35 cover 8.
    await insertReadings(t.db, [
      ...hourOf(pm25, h0, 10, { interval: 5 * MIN, until: 41 * MIN }),
      ...hourOf(pm25, h0 + HOUR, 10, { interval: 5 * MIN, until: 36 * MIN }),
    ]);
    const [nine, eight] = await hours(h0, h0 + 2 * HOUR);
    expect(nine).toMatchObject({ n: 9, coverage: 9 / 12, valid: true });
    expect(eight).toMatchObject({ n: 8, coverage: 8 / 12, valid: false, value: 10 });
  });

  it('fills every slot with readings every 60 s or every 145 s, wherever the hour starts', async () => {
    const h0 = Date.UTC(2026, 5, 1, 8);
    await insertReadings(t.db, [
      ...hourOf(pm25, h0, 1, { interval: 60_000 }),
      ...hourOf(pm25, h0 + HOUR, 2, { interval: 145_000, offset: 144_000 }),
    ]);
    const [every60, every145] = await hours(h0, h0 + 2 * HOUR);
    expect(every60).toMatchObject({ n: 60, coverage: 1, valid: true });
    expect(every145).toMatchObject({ coverage: 1, valid: true });
  });

  it('never counts the hour in progress as valid, however covered', async () => {
    const h0 = Date.UTC(2026, 5, 1, 8);
    await insertReadings(t.db, hourOf(pm25, h0, 5, { until: 55 * MIN }));
    expect((await hours(h0, h0 + HOUR, h0 + 56 * MIN))[0]).toMatchObject({ coverage: 11 / 12, valid: false });
    expect((await hours(h0, h0 + HOUR, h0 + HOUR))[0]).toMatchObject({ valid: true });
  });

  it('leaves flagged readings out of the mean, counting them, and keeps humid ones in, counting them', async () => {
    const h0 = Date.UTC(2026, 5, 1, 8);
    await insertReadings(t.db, [
      // 30 good minutes, then 30 minutes of a stuck sensor: only half the hour is covered
      ...hourOf(pm25, h0, 10, { until: 30 * MIN }),
      ...hourOf(pm25, h0, 500, { offset: 30 * MIN, flags: FLAGS.stuck }),
      // a full hour, humid for its second half
      ...hourOf(pm25, h0 + HOUR, 10, { until: 30 * MIN }),
      ...hourOf(pm25, h0 + HOUR, 30, { offset: 30 * MIN, flags: FLAGS.humid }),
    ]);
    const [stuck, humid] = await hours(h0, h0 + 2 * HOUR);
    expect(stuck).toMatchObject({
      n: 30,
      value: 10,
      max: 10,
      nFlagged: 30,
      nHumid: 0,
      coverage: 0.5,
      valid: false,
    });
    expect(humid).toMatchObject({
      n: 60,
      value: 20,
      max: 30,
      nFlagged: 0,
      nHumid: 30,
      coverage: 1,
      valid: true,
    });
    // and raw readings keep their flags
    const raw = await readSeries(t.db, { seriesId: pm25, from: h0, to: h0 + HOUR, step: 'raw' });
    expect(raw.filter((r) => r.flags === FLAGS.stuck)).toHaveLength(30);
  });

  it('gives an hour whose readings were all flagged no mean, only its count', async () => {
    const h0 = Date.UTC(2026, 5, 1, 8);
    await insertReadings(t.db, hourOf(pm25, h0, 80, { flags: FLAGS.channel_disagreement }));
    expect((await hours(h0, h0 + HOUR))[0]).toEqual({
      t: h0,
      value: null,
      min: null,
      max: null,
      n: 0,
      sd: null,
      coverage: 0,
      valid: false,
      nFlagged: 60,
      nHumid: 0,
    });
  });

  /** Fills `count` hours of local day `date` with valid hours whose mean is the hour's index. */
  async function fillDay(
    date: string,
    count: number,
    extra: (i: number) => Partial<NewReading> = () => ({}),
  ) {
    const day = localDay(date, PARIS);
    const rows: NewReading[] = [];
    for (let i = 0; i < count; i++)
      rows.push(
        ...hourOf(pm25, day.start + i * HOUR, i, { interval: 2 * MIN }).map((r) => ({ ...r, ...extra(i) })),
      );
    await insertReadings(t.db, rows);
    return day;
  }

  it('makes a 24-hour local day valid with 18 valid hours, not 17, as the mean of its hourly means', async () => {
    const d18 = await fillDay('2026-07-15', 18);
    const d17 = await fillDay('2026-07-16', 17);
    const [a, b] = await days(d18.start, d17.end);
    expect(a).toMatchObject({
      t: d18.start,
      date: '2026-07-15',
      end: d18.end,
      value: 8.5, // mean of 0..17
      min: 0,
      max: 17,
      n: 18 * 30,
      validHours: 18,
      expectedHours: 24,
      coverage: 18 / 24,
      valid: true,
    });
    expect(a!.sd).toBeCloseTo(Math.sqrt((18 * 19) / 12), 9);
    expect(d18.start).toBe(Date.UTC(2026, 6, 14, 22)); // local midnight, UTC+2
    expect(b).toMatchObject({
      date: '2026-07-16',
      validHours: 17,
      coverage: 17 / 24,
      valid: false,
      value: 8,
    });
  });

  it('weights hours, not readings: a busy hour counts once in the daily mean', async () => {
    const day = localDay('2026-07-15', PARIS);
    const rows: NewReading[] = [];
    for (let i = 0; i < 18; i++)
      rows.push(...hourOf(pm25, day.start + i * HOUR, i === 0 ? 100 : 10, { interval: 5 * MIN }));
    // the first hour also has a reading every 10 s
    rows.push(...hourOf(pm25, day.start, 100, { interval: 10_000, offset: 1000 }));
    await insertReadings(t.db, rows);
    expect((await days(day.start, day.end))[0]).toMatchObject({ value: (100 + 17 * 10) / 18, valid: true });
  });

  it('needs 18 of the 23 hours of 29 March 2026 and 19 of the 25 hours of 25 October 2026', async () => {
    const spring17 = await fillDay('2026-03-28', 18); // a normal day, for contrast
    const spring = await fillDay('2026-03-29', 18);
    const autumn18 = await fillDay('2026-10-25', 18);
    const got = await days(spring17.start, autumn18.end);
    expect(got.map((d) => [d.date, d.expectedHours, d.validHours, d.valid])).toEqual([
      ['2026-03-28', 24, 18, true],
      ['2026-03-29', 23, 18, true],
      ['2026-10-25', 25, 18, false],
    ]);
    expect(spring.end - spring.start).toBe(23 * HOUR);
    expect(autumn18.end - autumn18.start).toBe(25 * HOUR);
    // a 19th valid hour makes the 25-hour day valid
    await insertReadings(t.db, hourOf(pm25, autumn18.start + 18 * HOUR, 18, { interval: 2 * MIN }));
    expect((await days(autumn18.start, autumn18.end))[0]).toMatchObject({ validHours: 19, valid: true });
  });

  it('counts a reading at 23:30 UTC in July in the next local day', async () => {
    await insertReadings(t.db, [{ seriesId: pm25, time: Date.UTC(2026, 6, 20, 23, 30), value: 7 }]);
    const [day] = await days(Date.UTC(2026, 6, 19), Date.UTC(2026, 6, 23));
    expect(day).toMatchObject({ date: '2026-07-21', t: Date.UTC(2026, 6, 20, 22) });
  });

  it('gives a day of 18 readings flagged humid no valid daily value (the ATMO 4 "Mauvais" of issue 13)', async () => {
    const day = localDay('2026-11-20', PARIS);
    // One reading an hour, at hh:10, 60 µg/m³, humid: 18 readings over 18 hours.
    await insertReadings(
      t.db,
      Array.from({ length: 18 }, (_, i) => ({
        seriesId: pm25,
        time: day.start + i * HOUR + 10 * MIN,
        value: 60,
        flags: FLAGS.humid,
      })),
    );
    const hourly = await hours(day.start, day.end);
    expect(hourly).toHaveLength(18);
    expect(hourly.every((h) => h.valid === false && h.nHumid === 1 && h.coverage === 1 / 12)).toBe(true);
    expect((await days(day.start, day.end))[0]).toMatchObject({
      date: '2026-11-20',
      value: null,
      validHours: 0,
      valid: false,
      n: 0,
      nHumid: 0,
    });
    // The same day measured densely stays humid but is valid, with its humid share.
    await fillDay('2026-11-21', 20, () => ({ flags: FLAGS.humid }));
    const [, dense] = await days(day.start, day.end + 2 * 24 * HOUR);
    expect(dense).toMatchObject({
      date: '2026-11-21',
      valid: true,
      validHours: 20,
      nHumid: 20 * 30,
      n: 20 * 30,
    });
  });

  it('never makes the day in progress valid, and pages days with limit and after', async () => {
    const d1 = await fillDay('2026-07-15', 20);
    const d2 = await fillDay('2026-07-16', 20);
    const d3 = await fillDay('2026-07-17', 20);
    expect((await days(d1.start, d3.end, d3.start + 21 * HOUR)).map((d) => d.valid)).toEqual([
      true,
      true,
      false,
    ]);
    const page = await readSeries(t.db, {
      seriesId: pm25,
      from: d1.start,
      to: d3.end,
      step: '1d',
      timeZone: PARIS,
      limit: 1,
      after: d1.start,
      now: NOW,
    });
    expect(page.map((d) => d.date)).toEqual(['2026-07-16']);
    expect(d2.date).toBe('2026-07-16');
  });
});
