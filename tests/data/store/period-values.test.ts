// Monthly and yearly values (steps 1mo, 1y): local months and years, 90 % of the hours, exact quantiles.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localPeriodOf, nextPeriod } from '../../../data/local-periods.js';
import { readSeries } from '../../../data/store/read-series.js';
import { insertReadings, type NewReading } from '../../../data/store/readings.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const HOUR = 3_600_000;
const PARIS = 'Europe/Paris';
const NOW = Date.UTC(2028, 0, 1);
/** March 2026 in Paris: from 28 Feb 23:00 UTC, 743 hours (the clocks go forward on the 29th). */
const MARCH = { start: Date.parse('2026-02-28T23:00:00Z'), end: Date.parse('2026-03-31T22:00:00Z') };

/** One hourly mean (a value covering its hour, as AtmoSud's) per hour from `from`. */
const hourly = (seriesId: number, from: number, hours: number, value: (i: number) => number): NewReading[] =>
  Array.from({ length: hours }, (_, i) => ({
    seriesId,
    time: from + i * HOUR,
    value: value(i),
    covers: HOUR,
  }));

describe('local months and years', () => {
  it('starts March in Paris at 23:00 UTC on 28 February and gives it 743 hours', () => {
    const march = localPeriodOf(Date.parse('2026-03-15T12:00:00Z'), '1mo', PARIS);
    expect(march).toEqual({ label: '2026-03', ...MARCH });
    expect(nextPeriod(march, '1mo', PARIS)).toMatchObject({ label: '2026-04', start: MARCH.end });
    expect(localPeriodOf(Date.parse('2026-12-31T23:30:00Z'), '1y', PARIS).label).toBe('2027');
    expect(
      nextPeriod(localPeriodOf(Date.parse('2026-12-01T00:00:00Z'), '1mo', PARIS), '1mo', PARIS).label,
    ).toBe('2027-01');
  });
});

describe('monthly and yearly values', () => {
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
      covers: HOUR,
    });
  });
  afterEach(async () => t.cleanup());

  const read = (step: '1mo' | '1y', from: number, to: number, now = NOW) =>
    readSeries(t.db, { seriesId: pm25, from, to, step, timeZone: PARIS, now });

  it('makes a month valid from 90 % of its hours: 669 of March 2026’s 743, not 668', async () => {
    await insertReadings(
      t.db,
      hourly(pm25, MARCH.start, 668, (i) => i % 50),
    );
    const [short] = await read('1mo', MARCH.start, MARCH.end);
    expect(short).toMatchObject({ date: '2026-03', t: MARCH.start, end: MARCH.end, validHours: 668 });
    expect(short).toMatchObject({ expectedHours: 743, valid: false });
    await insertReadings(
      t.db,
      hourly(pm25, MARCH.start + 668 * HOUR, 1, () => 49),
    );
    const [enough] = await read('1mo', MARCH.start, MARCH.end);
    expect(enough).toMatchObject({ validHours: 669, valid: true, coverage: 669 / 743 });
  });

  it('gives the mean, spread and exact quantiles of the valid hourly means, leaving out uncovered hours', async () => {
    const values = Array.from({ length: 700 }, (_, i) => (i * 37) % 101);
    await insertReadings(
      t.db,
      hourly(pm25, MARCH.start, 700, (i) => values[i]!),
    );
    // One instantaneous reading in the next hour covers 5 minutes: not a valid hourly mean.
    await insertReadings(t.db, [{ seriesId: pm25, time: MARCH.start + 700 * HOUR, value: 1000, covers: 0 }]);
    const [march] = await read('1mo', MARCH.start, MARCH.end);
    const sorted = [...values].sort((a, b) => a - b);
    const type7 = (p: number) => {
      const h = (sorted.length - 1) * p;
      const lo = Math.floor(h);
      return sorted[lo]! + (h - lo) * (sorted[lo + 1]! - sorted[lo]!);
    };
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(march!.value).toBeCloseTo(mean, 9);
    expect(march).toMatchObject({ min: 0, max: 100, n: 700, validHours: 700 });
    expect(march!.q02).toBeCloseTo(type7(0.02), 9);
    expect(march!.q25).toBeCloseTo(type7(0.25), 9);
    expect(march!.median).toBeCloseTo(type7(0.5), 9);
    expect(march!.q75).toBeCloseTo(type7(0.75), 9);
    expect(march!.q98).toBeCloseTo(type7(0.98), 9);
  });

  it('does not call a month valid before it is over, however complete so far', async () => {
    await insertReadings(
      t.db,
      hourly(pm25, MARCH.start, 700, () => 5),
    );
    const [march] = await read('1mo', MARCH.start, MARCH.end, MARCH.start + 720 * HOUR);
    expect(march).toMatchObject({ validHours: 700, valid: false });
  });

  it('lists only months with data, across a gap, and a year from its local months', async () => {
    const july = Date.parse('2026-06-30T22:00:00Z');
    await insertReadings(t.db, [
      ...hourly(pm25, MARCH.start, 24, () => 10),
      ...hourly(pm25, july, 24, () => 20),
    ]);
    const months = await read('1mo', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(months.map((m) => [m.date, m.value])).toEqual([
      ['2026-03', 10],
      ['2026-07', 20],
    ]);
    const [year] = await read('1y', Date.parse('2025-12-31T23:00:00Z'), Date.UTC(2027, 0, 1));
    expect(year).toMatchObject({
      date: '2026',
      value: 15,
      validHours: 48,
      expectedHours: 8760,
      valid: false,
    });
    expect(year!.median).toBe(15);
  });
});
