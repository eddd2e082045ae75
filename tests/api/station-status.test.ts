// Whether a station is online depends on its kind: a citizen sensor sends every few minutes, an
// AtmoSud station publishes hourly means one to two hours after the hour ends. And a station's
// commune is shown only when it is an INSEE code, never a department number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatestResponse, StationsResponse, StationSummary } from '../../data/api-types.js';
import { upsertStation } from '../../data/store/stations.js';
import { citizen, DAY, fixture, HOUR, json, NOW, readings, reference, type Fixture } from './fixtures.js';

const hour = Math.floor(NOW / HOUR) * HOUR; // 20:00, NOW is 20:30

let f: Fixture;

beforeAll(async () => {
  f = await fixture();
  // Reference hourly means are stored at the start of their hour. At 20:30, AtmoSud has usually
  // published 18:00–19:00; two hours late, 17:00–18:00 (ended 2 h 30 min ago) is still online.
  await reference(f.db, { id: 'FR-LATE', lat: 43.3, lon: 5.4 });
  await readings(f.db, 'FR-LATE', 'no2', [{ t: hour - 3 * HOUR, value: 30 }], { sensor: 'reference' });
  await reference(f.db, { id: 'FR-USUAL', lat: 43.31, lon: 5.41 });
  await readings(f.db, 'FR-USUAL', 'no2', [{ t: hour - 2 * HOUR, value: 30 }], { sensor: 'reference' });
  // 16:00–17:00 ended 3 h 30 min ago: offline.
  await reference(f.db, { id: 'FR-STOPPED', lat: 43.32, lon: 5.42 });
  await readings(f.db, 'FR-STOPPED', 'no2', [{ t: hour - 4 * HOUR, value: 30 }], { sensor: 'reference' });
  // A citizen sensor silent for 90 minutes is offline; one heard 50 minutes ago is online.
  await citizen(f.db, { id: 'balcon-a', lat: 43.25, lon: 5.4 });
  await readings(f.db, 'balcon-a', 'pm25', [{ t: NOW - 90 * 60_000, value: 10 }]);
  await citizen(f.db, { id: 'ecole-b', lat: 43.26, lon: 5.41 });
  await readings(f.db, 'ecole-b', 'pm25', [{ t: NOW - 50 * 60_000, value: 10 }]);
  // Stored by an earlier AtmoSud puller with the department as its commune.
  await upsertStation(
    f.db,
    {
      id: 'FR-DEPT',
      source: 'atmosud',
      name: 'Aix Ecole d’Art',
      lat: 43.52,
      lon: 5.44,
      commune: '13',
      address: 'Rue Émile Tavan',
      attribution: 'AtmoSud',
      licence: 'ODbL-1.0',
    },
    NOW - 30 * DAY,
  );
});
afterAll(() => f.cleanup());

const stations = async () => {
  const res = await f.app.request('/api/v1/stations');
  expect(res.status).toBe(200);
  const body = await json<StationsResponse>(res);
  return Object.fromEntries(body.stations.map((s) => [s.id, s])) as Record<string, StationSummary>;
};

describe('station status', () => {
  it('keeps a reference station online while its newest hourly mean ended within 3 hours', async () => {
    const s = await stations();
    expect(s['FR-USUAL']!.status).toBe('online');
    expect(s['FR-LATE']).toMatchObject({ status: 'online', lastSeen: '2026-03-10T17:00:00.000Z' });
    expect(s['FR-STOPPED']!.status).toBe('offline');
  });

  it('keeps the one-hour window for citizen sensors', async () => {
    const s = await stations();
    expect(s['ecole-b']!.status).toBe('online');
    expect(s['balcon-a']!.status).toBe('offline');
  });

  it('says the same in /latest and /stations/{id}', async () => {
    const latest = await json<LatestResponse>(await f.app.request('/api/v1/stations/FR-LATE/latest'));
    expect(latest.station.status).toBe('online');
    const one = await json<StationSummary>(await f.app.request('/api/v1/stations/FR-STOPPED'));
    expect(one.status).toBe('offline');
  });
});

describe('station commune', () => {
  it('is an INSEE code or null, never a bare department number', async () => {
    const s = await stations();
    expect(s['FR-DEPT']).toMatchObject({ commune: null, address: 'Rue Émile Tavan' });
    expect(s['FR-USUAL']!.commune).toBe('13055');
  });
});
