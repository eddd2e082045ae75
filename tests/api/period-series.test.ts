// Steps 1mo and 1y through /series and /export: what an analyst recomputes from the hourly means
// the API gives is what the monthly value says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesResponse } from '../../data/api-types.js';
import { roundTo } from '../../data/rounding.js';
import { quantilesOf } from '../../data/stats/quantiles.js';
import { fixture, HOUR, hourly, json, readings, reference, type Fixture } from './fixtures.js';

let f: Fixture;
/** February 2026 in Paris: 672 hours from 31 January 23:00 UTC. */
const FEB = Date.parse('2026-01-31T23:00:00Z');
const MARCH = Date.parse('2026-02-28T23:00:00Z');

beforeAll(async () => {
  f = await fixture();
  await reference(f.db, { id: 'FR03043', lat: 43.3, lon: 5.39 });
  // 650 of February's 672 hours (96.7 %), values that are not in order.
  await readings(
    f.db,
    'FR03043',
    'no2',
    hourly(FEB, 650, (i) => (i * 53) % 97),
    { sensor: 'NO2' },
  );
  // A few hours of January and March: months of too few hours.
  await readings(f.db, 'FR03043', 'no2', hourly(FEB - 10 * HOUR, 10, 3), { sensor: 'NO2' });
  await readings(f.db, 'FR03043', 'no2', hourly(MARCH, 5, 7), { sensor: 'NO2' });
});
afterAll(() => f.cleanup());

const get = async (path: string) => {
  const res = await f.app.request(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return res;
};

describe('monthly and yearly values', () => {
  it('gives February its mean and exact quantiles of the valid hourly means /series?step=1h gives', async () => {
    const q = 'phenomenon=no2&from=2026-01-01&to=2026-04-01';
    const months = await json<SeriesResponse>(await get(`/api/v1/stations/FR03043/series?${q}&step=1mo`));
    const hours = await json<SeriesResponse>(
      await get(`/api/v1/stations/FR03043/series?phenomenon=no2&from=${FEB}&to=${MARCH}&step=1h`),
    );
    const means = hours.points.filter((p) => p.valid).map((p) => p.value!);
    expect(means).toHaveLength(650);
    // January in Paris starts at 23:00 UTC on 31 December, before `from`: not listed.
    expect(months.points.map((p) => p.date)).toEqual(['2026-02', '2026-03']);
    const feb = months.points[0]!;
    expect(feb).toMatchObject({
      t: FEB,
      from: '2026-01-31T23:00:00.000Z',
      to: '2026-02-28T23:00:00.000Z',
      validHours: 650,
      expectedHours: 672,
      valid: true,
      min: Math.min(...means),
      max: Math.max(...means),
    });
    // Computed exactly, given out rounded to NO2's decimals (0) like every value (data/rounding.ts).
    expect(feb.value).toBe(roundTo(means.reduce((a, b) => a + b, 0) / 650, 0));
    const expected = quantilesOf(means);
    for (const name of ['q02', 'q25', 'median', 'q75', 'q98'] as const)
      expect(feb[name], name).toBe(roundTo(expected[name]!, 0));
    // March is in progress (now is 10 March) and has 5 hours.
    expect(months.points[1]).toMatchObject({ validHours: 5, valid: false, median: 7 });
  });

  it('gives a year that is not over and short of hours as invalid, with its coverage', async () => {
    const years = await json<SeriesResponse>(
      await get('/api/v1/stations/FR03043/series?phenomenon=no2&step=1y&from=2025-12-31T23:00:00Z'),
    );
    expect(years.points).toHaveLength(1);
    expect(years.points[0]).toMatchObject({
      date: '2026',
      validHours: 665,
      expectedHours: 8760,
      valid: false,
    });
    expect(years.points[0]!.coverage).toBeCloseTo(665 / 8760, 12);
  });

  it('exports monthly values with the same numbers, quantile columns after date and end', async () => {
    const months = await json<SeriesResponse>(
      await get('/api/v1/stations/FR03043/series?phenomenon=no2&step=1mo&from=2026-01-01&to=2026-04-01'),
    );
    const csv = await (
      await get('/api/v1/export?station=FR03043&step=1mo&from=2026-01-01&to=2026-04-01')
    ).text();
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(columns.indexOf('date'), columns.indexOf('q98') + 1)).toEqual([
      'date',
      'end',
      'q02',
      'q25',
      'median',
      'q75',
      'q98',
    ]);
    const feb = Object.fromEntries(lines[0]!.split(',').map((v, i) => [columns[i], v]));
    const point = months.points[0]!;
    expect(feb).toMatchObject({ date: '2026-02', end: point.to, valid: 'true', n: String(point.n) });
    for (const name of ['value', 'q02', 'q25', 'median', 'q75', 'q98'] as const)
      expect(Number(feb[name]), name).toBe(point[name]);
  });
});
