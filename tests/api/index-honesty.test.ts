// Indices that say only what their data support (issue 13): the hour in progress never counts,
// days are local days (Europe/Paris: 23 hours on 29 March 2026, 25 on 25 October 2026), every
// index states its hours, pollutants and inputs, is indicative unless it is the official commune
// index, and is "Indisponible" with a reason when data are short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommuneIndexResponse, IndexResponse, LatestResponse } from '../../data/api-types.js';
import { FLAGS } from '../../data/flags.js';
import { citizen, fixture, HOUR, json, NOW, readings, reference, type Fixture } from './fixtures.js';

/** One reading per hour at hh:10, from `from` (epoch ms) for `hours` hours. */
const everyHour = (from: number, hours: number, value: number) =>
  Array.from({ length: hours }, (_, i) => ({ t: from + i * HOUR + 10 * 60_000, value }));

const get = async <T>(f: Fixture, path: string) => {
  const res = await f.app.request(path);
  expect(res.status, path).toBe(200);
  return json<T>(res);
};

describe('the hour in progress', () => {
  // NOW is 10 March 2026, 20:30 UTC (21:30 in Paris): the hour 20:00–21:00 UTC is in progress.
  const H20 = Date.UTC(2026, 2, 10, 20);
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
    await citizen(f.db, { id: 'ecole-a', lat: 43.3, lon: 5.38 });
    // Local 10 March began 9 March 23:00 UTC: 21 completed hours of PM2.5 at 12 µg/m³, then a
    // burst of 500 µg/m³ at 20:10 UTC, in the hour in progress.
    await readings(f.db, 'ecole-a', 'pm25', [
      ...everyHour(Date.UTC(2026, 2, 9, 23), 21, 12),
      { t: H20 + 10 * 60_000, value: 500 },
    ]);
  });
  afterAll(() => f.cleanup());

  it('is not used by the EAQI of now, the NowCast or today’s ATMO', async () => {
    const { indices } = await get<LatestResponse>(f, '/api/v1/stations/ecole-a/latest');
    // PM2.5 12: EAQI 2 "Fair"; 500 would be 6.
    expect(indices.eaqi).toMatchObject({
      level: 2,
      from: '2026-03-10T19:00:00.000Z',
      until: '2026-03-10T20:00:00.000Z',
      inputs: [{ pollutant: 'pm25', value: 12, hours: 1, needed: 1 }],
    });
    // NowCast of a steady 12 is 12: AQI 56; with 500 as c1 it would be Hazardous.
    expect(indices.usaqi).toMatchObject({
      value: 56,
      from: '2026-03-10T08:00:00.000Z',
      until: '2026-03-10T20:00:00.000Z',
      inputs: [{ pollutant: 'pm25', value: 12, hours: 12, needed: 2 }],
    });
    // Today's ATMO over its 21 completed hours: mean 12 → 2 "Moyen" (with 500 it would be 4).
    expect(indices.atmo).toMatchObject({
      level: 2,
      date: '2026-03-10',
      day: 'today',
      from: '2026-03-09T23:00:00.000Z',
      until: '2026-03-10T20:00:00.000Z',
      inputs: [{ pollutant: 'pm25', value: 12, hours: 21, needed: 18 }],
    });
    expect(new Date(indices.atmo.until).getTime()).toBe(H20);
  });
});

describe('local days at the clock changes, and a July night', () => {
  // Long after the days asked, so that every hour is complete.
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ now: () => Date.UTC(2026, 10, 2, 12) });
    for (const id of ['spring', 'autumn-18', 'autumn-19', 'july'])
      await citizen(f.db, { id, lat: 43.3, lon: 5.38 });
    // 29 March 2026 in Paris: 28 March 23:00 UTC → 29 March 22:00 UTC, 23 hours. 24 hourly readings
    // from its start: the 24th belongs to 30 March.
    await readings(f.db, 'spring', 'pm25', everyHour(Date.UTC(2026, 2, 28, 23), 24, 30));
    // 25 October 2026 in Paris: 24 October 22:00 UTC → 25 October 23:00 UTC, 25 hours; 19 needed.
    await readings(f.db, 'autumn-18', 'pm25', everyHour(Date.UTC(2026, 9, 24, 22), 18, 30));
    await readings(f.db, 'autumn-19', 'pm25', everyHour(Date.UTC(2026, 9, 24, 22), 19, 30));
    // 14 July local: 13 July 22:00 → 14 July 22:00 UTC. 17 hours of NO2 at 20 on the 14th, 18 on
    // the 15th from 02:00 UTC, and one of 300 at 23:30 UTC on the 14th: 01:30 on the 15th in Paris.
    await readings(f.db, 'july', 'no2', [
      ...everyHour(Date.UTC(2026, 6, 13, 22), 17, 20),
      ...everyHour(Date.UTC(2026, 6, 15, 2), 18, 20),
      // The hour 23:00-24:00 UTC at 300, a valid hourly mean (the fixture's values cover the rest
      // of their hour), read until 23:30.
      { t: Date.UTC(2026, 6, 14, 23, 0), value: 300 },
      { t: Date.UTC(2026, 6, 14, 23, 30), value: 300 },
    ]);
  });
  afterAll(() => f.cleanup());

  it('computes 29 March 2026 over its 23 local hours, needing 18', async () => {
    const body = await get<IndexResponse>(f, '/api/v1/stations/spring/index?date=2026-03-29');
    expect(body).toMatchObject({
      date: '2026-03-29',
      level: 4,
      from: '2026-03-28T23:00:00.000Z',
      until: '2026-03-29T22:00:00.000Z',
      inputs: [{ pollutant: 'pm25', value: 30, hours: 23, needed: 18 }],
    });
    const usaqi = await get<IndexResponse>(f, '/api/v1/stations/spring/index?scheme=usaqi&date=2026-03-29');
    expect(usaqi).toMatchObject({ inputs: [{ pollutant: 'pm25', hours: 23, needed: 18 }] });
  });

  it('needs 19 of the 25 hours of 25 October 2026: 18 are not enough', async () => {
    expect(await get<IndexResponse>(f, '/api/v1/stations/autumn-18/index?date=2026-10-25')).toMatchObject({
      available: false,
      level: 0,
      label: { fr: 'Indisponible' },
      reason: 'not-enough-hours',
      from: '2026-10-24T22:00:00.000Z',
      until: '2026-10-25T23:00:00.000Z',
      inputs: [{ pollutant: 'pm25', value: null, hours: 18, needed: 19 }],
    });
    expect(await get<IndexResponse>(f, '/api/v1/stations/autumn-19/index?date=2026-10-25')).toMatchObject({
      level: 4,
      inputs: [{ hours: 19, needed: 19 }],
    });
  });

  it('counts a reading at 23:30 UTC in July in the next local day', async () => {
    expect(await get<IndexResponse>(f, '/api/v1/stations/july/index?date=2026-07-15')).toMatchObject({
      level: 5,
      dominant: 'no2',
      inputs: [{ pollutant: 'no2', value: 300, hours: 19 }],
    });
    expect(await get<IndexResponse>(f, '/api/v1/stations/july/index?date=2026-07-14')).toMatchObject({
      level: 0,
      reason: 'not-enough-hours',
      inputs: [{ pollutant: 'no2', hours: 17 }],
    });
  });
});

describe('what an index says about itself', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
    await citizen(f.db, { id: 'pm-only', lat: 43.3, lon: 5.38 });
    await citizen(f.db, { id: 'thermo', lat: 43.31, lon: 5.39 });
    await citizen(f.db, { id: 'silent', lat: 43.32, lon: 5.4 });
    await reference(f.db, { id: 'FR-X', lat: 43.3, lon: 5.4 });
    const local10 = Date.UTC(2026, 2, 9, 23); // local 10 March began at 23:00 UTC on the 9th
    await readings(f.db, 'pm-only', 'pm25', everyHour(local10, 21, 8));
    await readings(f.db, 'pm-only', 'pm10', everyHour(local10, 21, 15));
    await readings(f.db, 'thermo', 'temperature', everyHour(local10, 21, 14), { unit: '°C' });
    // Silent since 16:00 UTC: four complete hours without a reading.
    await readings(f.db, 'silent', 'pm25', everyHour(local10, 17, 8));
    await readings(f.db, 'FR-X', 'no2', everyHour(local10, 20, 45), { sensor: 'reference' });
    await f.db
      .insertInto('commune_indices')
      .values({
        insee: '13055',
        date: '2026-03-10',
        code_qual: 2,
        lib_zone: 'Marseille',
        lib_qual: 'Moyen',
        coul_qual: '#50CCAA',
        code_no2: 2,
        code_so2: 1,
        code_o3: 1,
        code_pm10: 1,
        code_pm25: 1,
        source: 'atmosud',
        pulled_at: NOW - HOUR,
      })
      .execute();
  });
  afterAll(() => f.cleanup());

  it('a PM-only sensor’s ATMO is partial: an ATMO of particles only', async () => {
    const body = await get<IndexResponse>(f, '/api/v1/stations/pm-only/index');
    expect(body).toMatchObject({
      level: 1,
      pollutants: ['pm25', 'pm10'],
      partial: true,
      indicative: true,
      inputs: [
        { pollutant: 'pm25', value: 8, hours: 21 },
        { pollutant: 'pm10', value: 15, hours: 21 },
      ],
    });
    expect(body).not.toHaveProperty('reason');
  });

  it('says "no-pollutant" for a station that measures none of the scheme’s pollutants', async () => {
    const { indices } = await get<LatestResponse>(f, '/api/v1/stations/thermo/latest');
    for (const scheme of ['atmo', 'eaqi', 'usaqi'] as const)
      expect(indices[scheme], scheme).toMatchObject({
        level: 0,
        label: { fr: 'Indisponible' },
        reason: 'no-pollutant',
      });
    // The US AQI classes only particles: a NO2 station has none.
    expect(await get<IndexResponse>(f, '/api/v1/stations/FR-X/index?scheme=usaqi')).toMatchObject({
      level: 0,
      reason: 'no-pollutant',
    });
  });

  it('says "no-recent-hour" for an index of now without a recent completed hour', async () => {
    const { indices } = await get<LatestResponse>(f, '/api/v1/stations/silent/latest');
    expect(indices.eaqi).toMatchObject({ level: 0, reason: 'no-recent-hour', inputs: [] });
    expect(indices.usaqi).toMatchObject({ level: 0, reason: 'no-recent-hour' });
    // Its 17 hours of today are too few for ATMO, and yesterday has none.
    expect(indices.atmo).toMatchObject({ level: 0, reason: 'not-enough-hours', day: 'today' });
  });

  it('is the same, reasons included, in the station list', async () => {
    const res = await f.app.request('/api/v1/stations?index=eaqi');
    const { stations } = await json<{ stations: { id: string; index: Record<string, unknown> }[] }>(res);
    const byId = Object.fromEntries(stations.map((s) => [s.id, s.index]));
    expect(byId['silent']).toMatchObject({ level: 0, reason: 'no-recent-hour', indicative: true });
    expect(byId['thermo']).toMatchObject({ level: 0, reason: 'no-pollutant' });
    expect(byId['pm-only']).toMatchObject({ level: 2, pollutants: ['pm25', 'pm10'], partial: true });
  });

  it('is indicative at an AtmoSud station too; only the commune index is official', async () => {
    const station = await get<IndexResponse>(f, '/api/v1/stations/FR-X/index');
    expect(station).toMatchObject({ level: 2, indicative: true, pollutants: ['no2'], partial: true });
    const commune = await get<CommuneIndexResponse>(f, '/api/v1/communes/13055/index?date=2026-03-10');
    expect(commune).toMatchObject({ level: 2, official: true, indicative: false });
  });

  it('refuses a daily EAQI with a clear message', async () => {
    const res = await f.app.request('/api/v1/stations/pm-only/index?scheme=eaqi&date=2026-03-09');
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(
      /hourly index: the EEA defines no daily EAQI/,
    );
  });
});

describe('which hourly means feed an index', () => {
  // Local 10 March began 9 March 23:00 UTC; NOW is 20:30 UTC, so 21 hours are complete.
  const local10 = Date.UTC(2026, 2, 9, 23);
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
    for (const id of ['foggy', 'spiky', 'sparse']) await citizen(f.db, { id, lat: 43.3, lon: 5.38 });
    // Six of the 21 hours hold readings flagged humid: they stay in the means, and the index says so.
    await readings(
      f.db,
      'foggy',
      'pm25',
      everyHour(local10, 21, 30).map((p, i) => (i < 6 ? { ...p, flags: FLAGS.humid } : p)),
    );
    // A spike of 500 beside every hour's 8: flagged, left out of the means.
    await readings(f.db, 'spiky', 'pm25', [
      ...everyHour(local10, 21, 8),
      ...everyHour(local10 + 20 * 60_000, 21, 500).map((p) => ({ ...p, flags: FLAGS.spike })),
    ]);
    // One instantaneous reading an hour covers 5 of its 60 minutes: no valid hourly mean.
    await readings(f.db, 'sparse', 'pm25', everyHour(local10, 21, 30), { covers: 0 });
  });
  afterAll(() => f.cleanup());

  it('says how many of its hours hold humid PM readings, not corrected for humidity', async () => {
    const body = await get<IndexResponse>(f, '/api/v1/stations/foggy/index');
    expect(body.inputs).toEqual([
      expect.objectContaining({ pollutant: 'pm25', value: 30, hours: 21, humidHours: 6 }),
    ]);
  });

  it('leaves out readings flagged spike', async () => {
    const body = await get<IndexResponse>(f, '/api/v1/stations/spiky/index');
    expect(body).toMatchObject({
      level: 1,
      inputs: [{ pollutant: 'pm25', value: 8, hours: 21, humidHours: 0 }],
    });
  });

  it('takes no hour covered less than 45 minutes: "Indisponible", not enough hours', async () => {
    const body = await get<IndexResponse>(f, '/api/v1/stations/sparse/index');
    expect(body).toMatchObject({ level: 0, reason: 'not-enough-hours' });
  });
});
