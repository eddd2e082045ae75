import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommuneIndexResponse, CompareResponse } from '../../data/api-types.js';
import {
  citizen,
  fixture,
  hourly,
  HOUR,
  json,
  NOW,
  readings,
  reference,
  TODAY,
  type Fixture,
} from './fixtures.js';

let f: Fixture;

beforeAll(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'ecole-a', lat: 43.3046, lon: 5.3806 });
  await reference(f.db, { id: 'FR-NEAR', lat: 43.3056, lon: 5.3948 }); // ~1.2 km
  await reference(f.db, { id: 'FR-FAR', lat: 43.5, lon: 5.5 });
  await reference(f.db, { id: 'FR-NO2ONLY', lat: 43.3047, lon: 5.3807 }); // nearest, but no PM2.5
  await readings(
    f.db,
    'ecole-a',
    'pm25',
    hourly(TODAY + 10 * HOUR, 3, (i) => 10 + i),
  );
  await readings(f.db, 'FR-NEAR', 'pm25', hourly(TODAY + 11 * HOUR, 3, 8), { sensor: 'reference' });
  await readings(f.db, 'FR-FAR', 'pm25', hourly(TODAY + 10 * HOUR, 3, 50), { sensor: 'reference' });
  await readings(f.db, 'FR-NO2ONLY', 'no2', hourly(TODAY + 10 * HOUR, 3, 30), { sensor: 'reference' });
  const row = {
    lib_zone: 'Marseille',
    lib_qual: 'Moyen',
    coul_qual: '#50CCAA',
    code_no2: 1,
    code_so2: 1,
    code_o3: 2,
    code_pm10: 1,
    code_pm25: 2,
    source: 'atmosud',
    pulled_at: NOW - HOUR,
  };
  await f.db
    .insertInto('commune_indices')
    .values([
      { insee: '13055', date: '2026-03-09', code_qual: 3, ...row, lib_qual: 'Dégradé', coul_qual: '#F0E641' },
      { insee: '13055', date: '2026-03-10', code_qual: 2, ...row },
      { insee: '13055', date: '2026-03-11', code_qual: 4, ...row, lib_qual: 'Mauvais' },
      { insee: '13001', date: '2026-03-08', code_qual: 1, ...row, lib_qual: 'Bon' },
    ])
    .execute();
});
afterAll(() => f.cleanup());

describe('GET /api/v1/stations/{id}/compare', () => {
  it('puts the hourly series beside the nearest AtmoSud station measuring the phenomenon', async () => {
    const res = await f.app.request('/api/v1/stations/ecole-a/compare?phenomenon=pm25&from=2026-03-10');
    expect(res.status).toBe(200);
    const body = await json<CompareResponse>(res);
    expect(body.reference!.station).toMatchObject({ id: 'FR-NEAR', source: 'atmosud' });
    expect(body.reference!.distanceMetres).toBeGreaterThan(1000);
    expect(body.reference!.distanceMetres).toBeLessThan(1400);
    expect(body.unit).toBe('µg/m³');
    expect(body.points).toEqual([
      { t: TODAY + 10 * HOUR, value: 10, reference: null },
      { t: TODAY + 11 * HOUR, value: 11, reference: 8 },
      { t: TODAY + 12 * HOUR, value: 12, reference: 8 },
      { t: TODAY + 13 * HOUR, value: null, reference: 8 },
    ]);
  });

  it('answers a null reference when no AtmoSud station measures the phenomenon', async () => {
    const body = await json<CompareResponse>(
      await f.app.request('/api/v1/stations/ecole-a/compare?phenomenon=o3'),
    );
    expect(body).toMatchObject({ reference: null, points: [] });
  });

  it('rejects a range over 366 days and an unknown phenomenon; 404 for an unknown station', async () => {
    const long = await f.app.request('/api/v1/stations/ecole-a/compare?phenomenon=pm25&from=2024-01-01');
    expect(long.status).toBe(400);
    expect((await json<{ error: { message: string } }>(long)).error.message).toContain('366 days');
    expect((await f.app.request('/api/v1/stations/ecole-a/compare?phenomenon=soot')).status).toBe(400);
    expect((await f.app.request('/api/v1/stations/nope/compare?phenomenon=pm25')).status).toBe(404);
  });
});

describe('GET /api/v1/communes/{insee}/index', () => {
  it('gives the official index of a day as AtmoSud published it', async () => {
    const res = await f.app.request('/api/v1/communes/13055/index?date=2026-03-09');
    expect(res.status).toBe(200);
    expect(await json<CommuneIndexResponse>(res)).toMatchObject({
      insee: '13055',
      date: '2026-03-09',
      zone: 'Marseille',
      level: 3,
      label: { fr: 'Dégradé', en: 'Degraded' },
      colour: '#F0E641',
      pollutants: { no2: 1, so2: 1, o3: 2, pm10: 1, pm25: 2 },
      official: true,
      attribution: 'AtmoSud',
      licence: 'ODbL-1.0',
    });
  });

  it("defaults to today's index (Paris day), not tomorrow's forecast, else the newest before", async () => {
    expect(await json(await f.app.request('/api/v1/communes/13055/index'))).toMatchObject({
      date: '2026-03-10',
      level: 2,
    });
    expect(await json(await f.app.request('/api/v1/communes/13001/index'))).toMatchObject({
      date: '2026-03-08',
      level: 1,
    });
  });

  it('answers 404 when nothing is published and 400 for a malformed code or date', async () => {
    expect((await f.app.request('/api/v1/communes/06088/index')).status).toBe(404);
    expect((await f.app.request('/api/v1/communes/13055/index?date=2026-01-01')).status).toBe(404);
    const bad = await f.app.request('/api/v1/communes/marseille/index');
    expect(bad.status).toBe(400);
    expect((await json<{ error: { message: string } }>(bad)).error.message).toContain('"insee"');
    expect((await f.app.request('/api/v1/communes/13055/index?date=2026-3-9')).status).toBe(400);
  });
});
