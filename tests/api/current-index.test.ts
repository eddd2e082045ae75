// The current ATMO index is a daily index: in the morning today has too few hours, so the API gives
// yesterday's complete day and says so; and the station list carries every station's current
// index on request, so that the map and the dashboard need one request, not one per station.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  IndexResponse,
  LatestResponse,
  StationsResponse,
  StationSummary,
} from '../../data/api-types.js';
import {
  citizen,
  DAY,
  fixture,
  HOUR,
  hourly,
  json,
  readings,
  reference,
  TODAY,
  type Fixture,
} from './fixtures.js';

/** 09:30 UTC: today has 10 hours of data, far from the 18 that ATMO needs. */
const MORNING = TODAY + 9 * HOUR + 30 * 60_000;

let f: Fixture;

beforeAll(async () => {
  f = await fixture({ now: () => MORNING });
  await citizen(f.db, { id: 'ecole-a', lat: 43.3046, lon: 5.3806 });
  await citizen(f.db, { id: 'neuf-b', lat: 43.31, lon: 5.39 });
  await citizen(f.db, { id: 'muet-c', lat: 43.32, lon: 5.4 });
  await reference(f.db, { id: 'FR-X', lat: 43.3, lon: 5.4 });
  // ecole-a: yesterday 24 hours of 30 µg/m³ PM2.5 (ATMO "Mauvais"), today 10 hours of 8 ("Bon").
  await readings(f.db, 'ecole-a', 'pm25', [...hourly(TODAY - DAY, 24, 30), ...hourly(TODAY, 10, 8)]);
  // neuf-b: installed this morning, 10 hours of data: no day has enough hours yet.
  await readings(f.db, 'neuf-b', 'pm25', hourly(TODAY, 10, 8));
  // FR-X: NO2 every hour since yesterday 00:00 (hourly means, validated), 45 µg/m³ → "Moyen".
  await readings(
    f.db,
    'FR-X',
    'no2',
    hourly(TODAY - DAY, 33, 45).map((p) => ({ ...p, validation: 'validated' })),
    { sensor: 'reference' },
  );
});
afterAll(() => f.cleanup());

const get = async <T>(path: string) => {
  const res = await f.app.request(path);
  expect(res.status).toBe(200);
  return json<T>(res);
};

describe('the current ATMO index (no date)', () => {
  it("is yesterday's complete day while today has too few hours, dated and marked as yesterday", async () => {
    const body = await get<LatestResponse>('/api/v1/stations/ecole-a/latest');
    expect(body.indices.atmo).toMatchObject({
      available: true,
      level: 4,
      label: { fr: 'Mauvais' },
      dominant: 'pm25',
      date: '2026-03-09',
      day: 'yesterday',
    });
    // The hourly indices describe now, not a day.
    expect(body.indices.eaqi).toMatchObject({ available: true, date: null });
    expect(body.indices.eaqi).not.toHaveProperty('day');
    expect(body.indices.usaqi.date).toBeNull();
  });

  it('is the same through /index, which /latest and the widgets agree on', async () => {
    expect(await get<IndexResponse>('/api/v1/stations/ecole-a/index')).toMatchObject({
      scheme: 'atmo',
      level: 4,
      date: '2026-03-09',
      day: 'yesterday',
      indicative: true,
    });
  });

  it('keeps the exact day when a date is asked, unavailable or not', async () => {
    const today = await get<IndexResponse>('/api/v1/stations/ecole-a/index?scheme=atmo&date=2026-03-10');
    expect(today).toMatchObject({ available: false, level: 0, date: '2026-03-10' });
    expect(today).not.toHaveProperty('day');
    expect(await get<IndexResponse>('/api/v1/stations/ecole-a/index?date=2026-03-09')).toMatchObject({
      level: 4,
      date: '2026-03-09',
    });
  });

  it('is today\'s "unavailable" when neither today nor yesterday has enough hours', async () => {
    const body = await get<LatestResponse>('/api/v1/stations/neuf-b/latest');
    expect(body.indices.atmo).toMatchObject({ available: false, level: 0, date: '2026-03-10', day: 'today' });
    expect(body.indices.eaqi.available).toBe(true);
  });
});

describe('GET /api/v1/stations?index=', () => {
  const byId = (body: StationsResponse) =>
    Object.fromEntries(body.stations.map((s) => [s.id, s])) as Record<string, StationSummary>;

  it("includes each station's current ATMO index: level, label, colour, value, dominant and day", async () => {
    const stations = byId(await get<StationsResponse>('/api/v1/stations?index=atmo'));
    expect(stations['ecole-a']!.index).toEqual({
      scheme: 'atmo',
      available: true,
      value: 4,
      level: 4,
      label: { fr: 'Mauvais', en: 'Poor' },
      colour: '#FF5050',
      dominant: 'pm25',
      date: '2026-03-09',
      day: 'yesterday',
      pollutants: ['pm25'],
      partial: true,
      from: '2026-03-08T23:00:00.000Z',
      until: '2026-03-09T23:00:00.000Z',
      indicative: true,
    });
    expect(stations['FR-X']!.index).toMatchObject({ level: 2, dominant: 'no2', day: 'yesterday' });
    expect(stations['neuf-b']!.index).toMatchObject({
      available: false,
      level: 0,
      colour: '#DDDDDD',
      reason: 'not-enough-hours',
    });
    expect(stations['muet-c']!.index).toMatchObject({
      available: false,
      level: 0,
      dominant: null,
      reason: 'no-pollutant',
    });
  });

  it('gives the same index as /index for every station', async () => {
    for (const scheme of ['atmo', 'eaqi', 'usaqi'] as const) {
      const { stations } = await get<StationsResponse>(`/api/v1/stations?index=${scheme}`);
      for (const s of stations) {
        const one = await get<IndexResponse>(`/api/v1/stations/${s.id}/index?scheme=${scheme}`);
        expect(s.index, `${s.id} ${scheme}`).toMatchObject({
          scheme,
          level: one.level,
          value: one.value,
          dominant: one.dominant,
          date: one.date,
        });
      }
    }
  });

  it('gives the hourly indices of now, without a day', async () => {
    // PM2.5 8 µg/m³ in the current hour: EAQI "Fair" (5–15).
    const stations = byId(await get<StationsResponse>('/api/v1/stations?index=eaqi'));
    expect(stations['ecole-a']!.index).toMatchObject({
      scheme: 'eaqi',
      available: true,
      level: 2,
      date: null,
    });
    expect(stations['ecole-a']!.index).not.toHaveProperty('day');
  });

  it('works with the other filters and in GeoJSON', async () => {
    const list = await get<StationsResponse>('/api/v1/stations?source=atmosud&index=atmo');
    expect(list.stations.map((s) => [s.id, s.index?.level])).toEqual([['FR-X', 2]]);
    const geo = await get<{ features: { id: string; properties: Partial<StationSummary> }[] }>(
      '/api/v1/stations?format=geojson&index=atmo&near=43.3046,5.3806&radius=500',
    );
    expect(geo.features.map((g) => [g.id, g.properties.index?.date])).toEqual([['ecole-a', '2026-03-09']]);
  });

  it('leaves the index out unless asked', async () => {
    const { stations } = await get<StationsResponse>('/api/v1/stations');
    expect(stations.every((s) => !('index' in s))).toBe(true);
  });

  it('rejects an unknown scheme, naming the parameter', async () => {
    const res = await f.app.request('/api/v1/stations?index=aqi');
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain('"index"');
  });
});

describe('the station list in the evening, when today can have its 18 hours', () => {
  // NOW (fixtures) is 20:30 UTC: today has 21 hours.
  let g: Fixture;
  beforeAll(async () => {
    g = await fixture();
    await citizen(g.db, { id: 'full-a', lat: 43.3, lon: 5.38 });
    await citizen(g.db, { id: 'late-b', lat: 43.31, lon: 5.39 });
    await citizen(g.db, { id: 'pair-c', lat: 43.32, lon: 5.4 });
    // full-a: every hour of yesterday (30 µg/m³) and today (8): today's index.
    await readings(g.db, 'full-a', 'pm25', [...hourly(TODAY - DAY, 24, 30), ...hourly(TODAY, 21, 8)]);
    // late-b: today only since 10:00 (11 hours): yesterday's.
    await readings(g.db, 'late-b', 'pm25', [
      ...hourly(TODAY - DAY, 24, 30),
      ...hourly(TODAY + 10 * HOUR, 11, 8),
    ]);
    // pair-c: two PM2.5 sensors yesterday, 10 and 30 µg/m³: pooled, the hourly mean is 20 ("Moyen").
    await readings(g.db, 'pair-c', 'pm25', hourly(TODAY - DAY, 24, 10), { sensor: 'SDS011' });
    await readings(g.db, 'pair-c', 'pm25', hourly(TODAY - DAY, 24, 30), { sensor: 'PMS5003' });
  });
  afterAll(() => g.cleanup());

  it("gives today's index where today has enough hours, yesterday's elsewhere, sensors pooled", async () => {
    const res = await g.app.request('/api/v1/stations?index=atmo');
    const { stations } = await json<StationsResponse>(res);
    const index = Object.fromEntries(stations.map((s) => [s.id, s.index]));
    expect(index['full-a']).toMatchObject({ level: 1, date: '2026-03-10', day: 'today' });
    expect(index['late-b']).toMatchObject({ level: 4, date: '2026-03-09', day: 'yesterday' });
    expect(index['pair-c']).toMatchObject({ level: 2, date: '2026-03-09', day: 'yesterday' });
    for (const s of stations) {
      const one = await json<IndexResponse>(await g.app.request(`/api/v1/stations/${s.id}/index`));
      expect(s.index, s.id).toMatchObject({ level: one.level, date: one.date, day: one.day });
    }
  });
});
