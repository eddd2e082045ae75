import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesResponse } from '../../data/api-types.js';
import { FLAGS } from '../../data/flags.js';
import { roundTo } from '../../data/rounding.js';
import { citizen, DAY, fixture, HOUR, json, NOW, readings, TODAY, type Fixture } from './fixtures.js';

let f: Fixture;
const MIN = 60_000;

beforeAll(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'ecole-a', lat: 43.3046, lon: 5.3806 });
  // Every 10 minutes for the last 3 hours of today (values 0..17), and an old channel.
  const start = TODAY + 18 * HOUR;
  await readings(
    f.db,
    'ecole-a',
    'pm25',
    Array.from({ length: 18 }, (_, i) => ({
      t: start + i * 10 * MIN,
      value: i,
      flags: i === 5 ? FLAGS.spike | FLAGS.humid : 0,
    })),
    // Instantaneous readings: an hour is covered only where they are.
    { sensor: 'PMS5003:1', covers: 0 },
  );
  await readings(f.db, 'ecole-a', 'pm25', [{ t: TODAY - 3 * DAY, value: 99 }], { sensor: 'PMS5003:2' });
  await readings(f.db, 'ecole-a', 'temperature', [{ t: TODAY + 19 * HOUR, value: -3.5 }], {
    sensor: 'BME280',
    unit: '°C',
  });
});
afterAll(() => f.cleanup());

const series = async (query: string) => {
  const res = await f.app.request(`/api/v1/stations/ecole-a/series?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<SeriesResponse>(res);
};

describe('GET /api/v1/stations/{id}/series', () => {
  it('gives raw readings with their flags, from the most recently active sensor', async () => {
    const body = await series('phenomenon=pm25&step=raw&to=2026-03-11');
    expect(body).toMatchObject({
      station: 'ecole-a',
      phenomenon: 'pm25',
      sensor: 'PMS5003:1',
      unit: 'µg/m³',
      step: 'raw',
      next: null,
    });
    expect(body.points).toHaveLength(18);
    expect(body.points[5]).toEqual({
      t: TODAY + 18 * HOUR + 50 * MIN,
      value: 5,
      min: 5,
      max: 5,
      n: 1,
      flags: ['humid', 'spike'],
    });
  });

  it('ends at now by default, and starts a day earlier for raw data', async () => {
    const body = await series('phenomenon=pm25&step=raw');
    expect(body.to).toBe(new Date(NOW).toISOString());
    expect(body.from).toBe(new Date(NOW - DAY).toISOString());
    expect(body.points.at(-1)!.t).toBeLessThan(NOW);
  });

  it('gives hourly means with their statistics: a reading every 10 minutes covers half an hour, not a valid mean', async () => {
    const hourly = await series('phenomenon=pm25&step=1h&to=2026-03-11');
    const sd = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    };
    const hour = (h: number, values: number[], extra: object) => ({
      t: TODAY + h * HOUR,
      value: values.reduce((a, b) => a + b, 0) / values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      n: values.length,
      // Rounded as every output: pm25's one decimal, one more for the sd (data/rounding.ts).
      sd: roundTo(sd(values), 2),
      valid: false,
      nHumid: 0,
      ...extra,
    });
    expect(hourly.points).toEqual([
      // 18:50 is flagged spike (and humid): left out of the mean, counted in nFlagged
      hour(18, [0, 1, 2, 3, 4], { coverage: 5 / 12, nFlagged: 1 }),
      hour(19, [6, 7, 8, 9, 10, 11], { coverage: 6 / 12, nFlagged: 0 }),
      hour(20, [12, 13, 14, 15, 16, 17], { coverage: 6 / 12, nFlagged: 0 }),
    ]);
  });

  it('gives daily values of local days from the valid hourly means, with the local date and UTC bounds', async () => {
    const daily = await series('phenomenon=pm25&step=1d&from=2026-03-01&to=2026-03-11');
    // 10 March in Paris runs from 23:00 UTC on the 9th; none of its hours is a valid mean.
    expect(daily.points).toEqual([
      {
        t: Date.UTC(2026, 2, 9, 23),
        value: null,
        min: null,
        max: null,
        n: 0,
        sd: null,
        coverage: 0,
        valid: false,
        nFlagged: 1,
        nHumid: 0,
        date: '2026-03-10',
        from: '2026-03-09T23:00:00.000Z',
        to: '2026-03-10T23:00:00.000Z',
        validHours: 0,
        expectedHours: 24,
        q02: null,
        q25: null,
        median: null,
        q75: null,
        q98: null,
      },
    ]);
    const csv = await (
      await f.app.request(
        '/api/v1/stations/ecole-a/series?phenomenon=pm25&step=1d&from=2026-03-01&to=2026-03-11&format=csv',
      )
    ).text();
    expect(csv).toBe(
      'time,value,min,max,n,flags,sd,coverage,valid,n_flagged,n_humid,date,end,q02,q25,median,q75,q98\r\n' +
        '2026-03-09T23:00:00.000Z,,,,0,,,0,false,1,0,2026-03-10,2026-03-10T23:00:00.000Z,,,,,\r\n',
    );
  });

  it('pages raw data with limit and cursor until next is null', async () => {
    const seen: Array<number | null> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: SeriesResponse = await series(
        `phenomenon=pm25&step=raw&to=2026-03-11&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...body.points.map((p) => p.value));
      cursor = body.next;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(Array.from({ length: 18 }, (_, i) => i));
  });

  it('reads a raw series of several chunks whole and in order, and pages it', async () => {
    // 12 000 readings a minute apart: a page of 11 000 is read in chunks of 5 000, 5 000 and 1 000
    // (api/raw-series-chunks.ts), the next page after the cursor in one.
    const start = TODAY - 10 * DAY;
    await citizen(f.db, { id: 'ecole-b', lat: 43.3, lon: 5.4 });
    await readings(
      f.db,
      'ecole-b',
      'pm25',
      Array.from({ length: 12_000 }, (_, i) => ({ t: start + i * MIN, value: i })),
    );
    const query = `phenomenon=pm25&step=raw&from=${new Date(start).toISOString()}&to=2026-03-11`;
    const page = async (q: string) => {
      const res = await f.app.request(`/api/v1/stations/ecole-b/series?${q}`);
      expect(res.status, await res.clone().text()).toBe(200);
      return json<SeriesResponse>(res);
    };
    const first = await page(`${query}&limit=11000`);
    expect(first.points.map((p) => p.value)).toEqual(Array.from({ length: 11_000 }, (_, i) => i));
    expect(first.next).not.toBeNull();
    const second = await page(`${query}&limit=11000&cursor=${first.next}`);
    expect(second.points.map((p) => p.value)).toEqual(Array.from({ length: 1_000 }, (_, i) => 11_000 + i));
    expect(second.next).toBeNull();
  });

  it('picks another sensor on request', async () => {
    const body = await series('phenomenon=pm25&step=raw&sensor=PMS5003:2&from=2026-03-01');
    expect(body.points.map((p) => p.value)).toEqual([99]);
  });

  it('answers CSV with a header, ISO times and numeric cells (negative numbers stay numbers)', async () => {
    const res = await f.app.request(
      '/api/v1/stations/ecole-a/series?phenomenon=temperature&step=raw&format=csv',
    );
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(await res.text()).toBe(
      'time,value,min,max,n,flags\r\n2026-03-10T19:00:00.000Z,-3.5,-3.5,-3.5,1,\r\n',
    );
  });

  it('links the next CSV page', async () => {
    const res = await f.app.request(
      '/api/v1/stations/ecole-a/series?phenomenon=pm25&step=raw&format=csv&limit=2',
    );
    expect(res.headers.get('link')).toMatch(
      /rel="license".*<\/api\/v1\/stations\/ecole-a\/series\?.*cursor=.*>; rel="next"/,
    );
  });

  it.each([
    ['phenomenon=pm25&step=2h', 'step'],
    ['step=raw', 'phenomenon'],
    ['phenomenon=pm25&limit=0', 'limit'],
    ['phenomenon=pm25&limit=ten', 'limit'],
    ['phenomenon=pm25&cursor=bm9wZQ', 'cursor'],
    ['phenomenon=pm25&from=yesterday', 'from'],
    ['phenomenon=pm25&from=2026-03-10&to=2026-03-01', 'from'],
  ])('rejects %s naming %s', async (query, name) => {
    const res = await f.app.request(`/api/v1/stations/ecole-a/series?${query}`);
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain(`"${name}"`);
  });

  it('answers 404 for an unknown station (not_found), phenomenon not measured or unknown sensor (no_series)', async () => {
    const unknown = await f.app.request('/api/v1/stations/nope/series?phenomenon=pm25');
    expect(unknown.status).toBe(404);
    expect((await json<{ error: { code: string } }>(unknown)).error.code).toBe('not_found');
    const res = await f.app.request('/api/v1/stations/ecole-a/series?phenomenon=no2');
    expect(res.status).toBe(404);
    // A widget tells "this station does not measure NO2" from "unknown station" by the code.
    expect(await json(res)).toEqual({
      error: { code: 'no_series', message: 'station "ecole-a" has no no2 series' },
    });
    const sensor = await f.app.request('/api/v1/stations/ecole-a/series?phenomenon=pm25&sensor=X');
    expect(sensor.status).toBe(404);
    expect((await json<{ error: { code: string } }>(sensor)).error.code).toBe('no_series');
  });
});
