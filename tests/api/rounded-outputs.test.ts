// Every output rounds values to the phenomenon's decimals (data/rounding.ts): an hourly mean of
// three readings was exported as 53.90066666666667 (issue 20, defect 5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareResponse, LatestResponse, SeriesResponse } from '../../data/api-types.js';
import { roundTo } from '../../data/rounding.js';
import { citizen, fixture, HOUR, json, readings, reference, TODAY, type Fixture } from './fixtures.js';

let f: Fixture;
const HOUR_8 = TODAY + 8 * HOUR;
// Three readings in one hour: their mean is 53.900666…, their sd 0.009…
const VALUES = [53.9, 53.91, 53.892];
// The unrounded mean and reference value, as they were exported before.
const LONG = /53\.90\d|41\.23/;

beforeAll(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'ecole-a', lat: 43.3046, lon: 5.3806 });
  await reference(f.db, { id: 'FR-X', lat: 43.2, lon: 5.2 });
  const points = VALUES.map((value, i) => ({ t: HOUR_8 + i * 20 * 60_000, value }));
  await readings(f.db, 'ecole-a', 'pm25', points, { sensor: 'SPS30', covers: 20 * 60_000 });
  await readings(f.db, 'FR-X', 'pm25', [{ t: HOUR_8, value: 41.23456 }], { sensor: 'reference' });
  // A dimensionless sensor index: whole numbers.
  await readings(f.db, 'ecole-a', 'nox_index', [{ t: HOUR_8 + 40 * 60_000, value: 1.4 }], {
    sensor: 'SGP41',
    unit: 'index',
    covers: 0,
  });
});
afterAll(() => f.cleanup());

const get = async (path: string) => {
  const res = await f.app.request(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return res;
};
const window = `from=${new Date(TODAY).toISOString()}&to=${new Date(TODAY + 24 * HOUR).toISOString()}`;

describe('values leave rounded to their phenomenon’s decimals', () => {
  it('rounds half away from zero, and leaves null alone', () => {
    expect(roundTo(53.900666, 1)).toBe(53.9);
    expect(roundTo(0.25, 1)).toBe(0.3);
    expect(roundTo(-0.25, 1)).toBe(-0.3);
    expect(roundTo(1.4, 0)).toBe(1);
    expect(roundTo(null, 1)).toBeNull();
  });

  it('in the hourly series, JSON and CSV', async () => {
    const body = await json<SeriesResponse>(
      await get(`/api/v1/stations/ecole-a/series?phenomenon=pm25&step=1h&${window}`),
    );
    expect(body.points).toHaveLength(1);
    // The sd keeps one more decimal than the values: it describes a smaller spread.
    expect(body.points[0]).toMatchObject({ value: 53.9, min: 53.9, max: 53.9, n: 3, sd: 0.01 });
    const csv = await (
      await get(`/api/v1/stations/ecole-a/series?phenomenon=pm25&step=1h&format=csv&${window}`)
    ).text();
    expect(csv).toContain(',53.9,53.9,53.9,3,');
    expect(csv).not.toMatch(LONG);
  });

  it('in the exports, hourly and raw', async () => {
    const hourly = await (await get(`/api/v1/export?format=csv&phenomenon=pm25&step=1h&${window}`)).text();
    expect(hourly).toContain(',53.9,');
    expect(hourly).toContain(',41.2,');
    expect(hourly).not.toMatch(LONG);
    const raw = await (await get(`/api/v1/export?format=ndjson&phenomenon=pm25&${window}`)).text();
    const values = raw
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { value: number }).value);
    expect(values.sort()).toEqual([41.2, 53.9, 53.9, 53.9]);
  });

  it('in the latest values and the comparison with the nearest reference station', async () => {
    const latest = await json<LatestResponse>(await get('/api/v1/stations/ecole-a/latest'));
    expect(latest.values.find((v) => v.phenomenon === 'pm25')?.value).toBe(53.9);
    expect(latest.values.find((v) => v.phenomenon === 'nox_index')?.value).toBe(1);
    const compare = await json<CompareResponse>(
      await get(`/api/v1/stations/ecole-a/compare?phenomenon=pm25&${window}`),
    );
    expect(compare.points).toEqual([{ t: HOUR_8, value: 53.9, reference: 41.2 }]);
  });
});
