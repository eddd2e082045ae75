import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexResponse, LatestResponse } from '../../data/api-types.js';
import { FLAGS } from '../../data/flags.js';
import {
  citizen,
  DAY,
  fixture,
  hourly,
  HOUR,
  json,
  readings,
  reference,
  TODAY,
  type Fixture,
} from './fixtures.js';

let f: Fixture;

beforeAll(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'ecole-a', lat: 43.3046, lon: 5.3806 });
  await citizen(f.db, { id: 'court-b', lat: 43.31, lon: 5.39 });
  await reference(f.db, { id: 'FR-X', lat: 43.3, lon: 5.4 });
  // Today 00:10 … 20:10 (21 hours, NOW is 20:30): PM2.5 12 µg/m³, PM10 30 µg/m³; the last PM2.5 humid.
  const pm25 = hourly(TODAY, 21, 12);
  pm25[20] = { ...pm25[20]!, flags: FLAGS.humid };
  await readings(f.db, 'ecole-a', 'pm25', [...hourly(TODAY - DAY, 20, 40), ...pm25]);
  await readings(f.db, 'ecole-a', 'pm10', hourly(TODAY, 21, 30));
  await readings(f.db, 'court-b', 'pm25', hourly(TODAY + 15 * HOUR, 6, 8));
  await readings(
    f.db,
    'FR-X',
    'no2',
    hourly(TODAY - DAY, 24, 45).map((p) => ({ ...p, validation: 'validated' })),
    {
      sensor: 'reference',
    },
  );
});
afterAll(() => f.cleanup());

describe('GET /api/v1/stations/{id}/latest', () => {
  it('gives the newest value of each series with unit, time and flags', async () => {
    const res = await f.app.request('/api/v1/stations/ecole-a/latest');
    expect(res.status).toBe(200);
    const body = await json<LatestResponse>(res);
    expect(body.values).toEqual([
      expect.objectContaining({
        phenomenon: 'pm10',
        value: 30,
        unit: 'µg/m³',
        time: '2026-03-10T20:10:00.000Z',
        flags: [],
      }),
      expect.objectContaining({
        phenomenon: 'pm25',
        sensor: 'SDS011',
        value: 12,
        flags: ['humid'],
        validation: null,
      }),
    ]);
    expect(body.station).toMatchObject({
      id: 'ecole-a',
      status: 'online',
      lastSeen: '2026-03-10T20:10:00.000Z',
    });
  });

  it('computes ATMO of today, EAQI of the latest hour and the US AQI NowCast, marked indicative', async () => {
    const body = await json<LatestResponse>(await f.app.request('/api/v1/stations/ecole-a/latest'));
    expect(body.indicative).toBe(true);
    // 21 hours of today (NOW is 20:30 UTC): today's ATMO, not yesterday's.
    expect(body.indices.atmo).toMatchObject({
      scheme: 'atmo',
      available: true,
      level: 2,
      dominant: 'pm25',
      date: '2026-03-10',
      day: 'today',
    });
    expect(body.indices.eaqi).toMatchObject({ scheme: 'eaqi', level: 2, value: 2 });
    // NowCast of a steady 12 µg/m³ is 12: AQI = 49/26.3 × (12.0 − 9.1) + 51 = 56.4 → 56.
    expect(body.indices.usaqi).toMatchObject({ scheme: 'usaqi', value: 56, level: 2, dominant: 'pm25' });
    const pm10 = body.indices.usaqi.subIndices.find((s) => s.pollutant === 'pm10')!;
    expect(pm10).toMatchObject({ concentration: 30, value: 28 });
  });

  it('says "unavailable" when neither today nor yesterday has enough hours for ATMO', async () => {
    const body = await json<LatestResponse>(await f.app.request('/api/v1/stations/court-b/latest'));
    expect(body.indices.atmo).toMatchObject({
      available: false,
      level: 0,
      label: { en: 'Unavailable' },
      date: '2026-03-10',
    });
    expect(body.indices.eaqi.available).toBe(true);
  });

  it('does not mark a reference station as citizen data, but marks its computed indices indicative', async () => {
    const body = await json<LatestResponse>(await f.app.request('/api/v1/stations/FR-X/latest'));
    expect(body.indicative).toBe(false);
    expect(body.indices.atmo.indicative).toBe(true);
    expect(body.indices.eaqi.indicative).toBe(true);
    expect(body.values[0]).toMatchObject({ phenomenon: 'no2', validation: 'validated' });
  });

  it('answers 404 for an unknown station', async () => {
    expect((await f.app.request('/api/v1/stations/nope/latest')).status).toBe(404);
  });
});

describe('GET /api/v1/stations/{id}/index', () => {
  const index = async (query: string) => {
    const res = await f.app.request(`/api/v1/stations/${query}`);
    expect(res.status).toBe(200);
    return json<IndexResponse>(res);
  };

  it('gives the ATMO index of a day with each sub-index and its concentration', async () => {
    const body = await index('FR-X/index?scheme=atmo&date=2026-03-09');
    expect(body).toMatchObject({
      scheme: 'atmo',
      station: 'FR-X',
      date: '2026-03-09',
      indicative: true,
      level: 2,
      dominant: 'no2',
      pollutants: ['no2'],
      partial: true,
      // Local 9 March (Paris, UTC+1) runs from 8 March 23:00 UTC to 9 March 23:00 UTC.
      from: '2026-03-08T23:00:00.000Z',
      until: '2026-03-09T23:00:00.000Z',
      inputs: [{ pollutant: 'no2', value: 45, hours: 23, needed: 18 }],
    });
    expect(body).not.toHaveProperty('reason');
    expect(body.subIndices.find((s) => s.pollutant === 'no2')).toMatchObject({ concentration: 45, level: 2 });
    expect(body.subIndices.find((s) => s.pollutant === 'pm25')).toMatchObject({
      available: false,
      concentration: null,
    });
  });

  it('defaults to ATMO of today when today has enough hours', async () => {
    expect(await index('ecole-a/index')).toMatchObject({
      scheme: 'atmo',
      date: '2026-03-10',
      day: 'today',
      level: 2,
      indicative: true,
    });
  });

  it('gives EAQI and US AQI now, and the US AQI of a day from daily means', async () => {
    expect(await index('ecole-a/index?scheme=eaqi')).toMatchObject({ date: null, level: 2 });
    expect(await index('ecole-a/index?scheme=usaqi')).toMatchObject({ date: null, value: 56 });
    // Yesterday: 20 hours of 40 µg/m³ → 24-hour mean 40 → AQI 49/19.9 × (40.0 − 35.5) + 101 = 112.
    expect(await index('ecole-a/index?scheme=usaqi&date=2026-03-09')).toMatchObject({
      date: '2026-03-09',
      value: 112,
    });
  });

  it('refuses a daily EAQI, which the EEA does not define, saying so', async () => {
    const res = await f.app.request('/api/v1/stations/ecole-a/index?scheme=eaqi&date=2026-03-09');
    expect(res.status).toBe(400);
    const { error } = await json<{ error: { code: string; message: string } }>(res);
    expect(error.code).toBe('invalid_query');
    expect(error.message).toContain('the EEA defines no daily EAQI');
  });

  it('says unavailable for a day without data', async () => {
    expect(await index('ecole-a/index?scheme=atmo&date=2025-01-01')).toMatchObject({
      available: false,
      level: 0,
      dominant: null,
      reason: 'not-enough-hours',
      inputs: [],
    });
  });

  it.each([
    ['ecole-a/index?scheme=aqi', 'scheme'],
    ['ecole-a/index?date=2026-02-30', 'date'],
    ['ecole-a/index?date=10/03/2026', 'date'],
  ])('rejects %s naming %s', async (path, name) => {
    const res = await f.app.request(`/api/v1/stations/${path}`);
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain(`"${name}"`);
  });

  it('answers 404 for an unknown station', async () => {
    expect((await f.app.request('/api/v1/stations/nope/index?scheme=eaqi')).status).toBe(404);
  });
});
