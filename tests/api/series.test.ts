import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesResponse } from '../../data/api-types.js';
import { FLAGS } from '../../data/flags.js';
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
    { sensor: 'PMS5003:1' },
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

  it('gives hourly and daily means from the rollups', async () => {
    const hourly = await series('phenomenon=pm25&step=1h&to=2026-03-11');
    expect(hourly.points).toEqual([
      { t: TODAY + 18 * HOUR, value: 2.5, min: 0, max: 5, n: 6 },
      { t: TODAY + 19 * HOUR, value: 8.5, min: 6, max: 11, n: 6 },
      { t: TODAY + 20 * HOUR, value: 14.5, min: 12, max: 17, n: 6 },
    ]);
    const daily = await series('phenomenon=pm25&step=1d&from=2026-03-01&to=2026-03-11');
    expect(daily.points).toEqual([{ t: TODAY, value: 8.5, min: 0, max: 17, n: 18 }]);
  });

  it('pages raw data with limit and cursor until next is null', async () => {
    const seen: number[] = [];
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

  it('answers 404 for an unknown station, phenomenon not measured, or unknown sensor', async () => {
    expect((await f.app.request('/api/v1/stations/nope/series?phenomenon=pm25')).status).toBe(404);
    const res = await f.app.request('/api/v1/stations/ecole-a/series?phenomenon=no2');
    expect(res.status).toBe(404);
    expect((await json<{ error: { message: string } }>(res)).error.message).toBe(
      'station "ecole-a" has no no2 series',
    );
    expect((await f.app.request('/api/v1/stations/ecole-a/series?phenomenon=pm25&sensor=X')).status).toBe(
      404,
    );
  });
});
