// The analysts' reads: /phenomena, every station's /latest value of a phenomenon, and profiles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from '@hono/zod-openapi';
import type { BulkLatestSchema, PhenomenaSchema, ProfileSchema } from '../../data/analyst-api-schemas.js';
import {
  citizen,
  DAY,
  fixture,
  HOUR,
  hourly,
  json,
  NOW,
  readings,
  reference,
  type Fixture,
} from './fixtures.js';

let f: Fixture;
/** Friday 27 February 2026 00:00 UTC; 28 days later, five days over the spring clock change (29 March in Paris). */
const START = Date.UTC(2026, 1, 27);
const PARIS_HOUR = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hour: 'numeric',
  hourCycle: 'h23',
});
const localHour = (t: number) => Number(PARIS_HOUR.format(t));

beforeAll(async () => {
  // Now is after every hour below: they are all complete, so valid hourly means.
  f = await fixture({ now: () => Date.UTC(2026, 5, 1) });
  await citizen(f.db, { id: 'balcon', lat: 43.30461, lon: 5.38061 });
  await reference(f.db, { id: 'FR03043', lat: 43.3, lon: 5.39 });
  await reference(f.db, { id: 'FR-NICE', lat: 43.7, lon: 7.26 });
  // Two PM2.5 sensors on the balcony: the newest value of either is the station's latest.
  await readings(f.db, 'balcon', 'pm25', [{ t: NOW - 2 * HOUR, value: 11 }], { sensor: 'SDS011' });
  await readings(f.db, 'balcon', 'pm25', [{ t: NOW - 10 * 60_000, value: 12.5, flags: 1 }], {
    sensor: 'PMS5003',
  });
  await readings(f.db, 'FR03043', 'pm25', [{ t: NOW - 3 * HOUR, value: 9, validation: 'provisional' }], {
    sensor: 'PM2.5',
  });
  await readings(f.db, 'FR-NICE', 'pm25', [{ t: NOW - 30 * DAY, value: 4 }], { sensor: 'PM2.5' });
  // Each hour's value is its local hour in Paris: the hour-of-day profile must give back h for h.
  await readings(
    f.db,
    'FR03043',
    'no2',
    Array.from({ length: 5 * 24 }, (_, i) => ({
      t: START + 28 * DAY + i * HOUR,
      value: localHour(START + 28 * DAY + i * HOUR),
    })),
    { sensor: 'NO2' },
  );
  await readings(f.db, 'FR03043', 'o3', hourly(START, 14 * 24, 50), { sensor: 'O3' });
});
afterAll(() => f.cleanup());

const get = async <T>(path: string): Promise<T> => {
  const res = await f.app.request(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<T>(res);
};

describe('GET /api/v1/phenomena', () => {
  it('lists every phenomenon with names, unit, range, affine conversions and the sensors seen', async () => {
    const body = await get<z.output<typeof PhenomenaSchema>>('/api/v1/phenomena');
    const pm25 = body.phenomena.find((p) => p.id === 'pm25')!;
    expect(pm25).toMatchObject({
      label: { fr: 'Particules fines PM2.5', en: 'Fine particles PM2.5' },
      unit: 'µg/m³',
      range: { min: 0, max: 2000 },
      opticalPm: true,
      stations: { citizen: 1, atmosud: 2 },
    });
    expect(pm25.sensors).toEqual([
      { sensor: 'PM2.5', stations: 2 },
      { sensor: 'PMS5003', stations: 1 },
      { sensor: 'SDS011', stations: 1 },
    ]);
    const temperature = body.phenomena.find((p) => p.id === 'temperature')!;
    const fahrenheit = temperature.conversions.find((c) => c.unit === '°F')!;
    // 212 °F is 100 °C.
    expect(212 * fahrenheit.factor + fahrenheit.offset).toBeCloseTo(100, 9);
    const no2 = body.phenomena.find((p) => p.id === 'no2')!;
    const ppb = no2.conversions.find((c) => c.unit === 'ppb')!;
    expect(ppb.factor).toBeCloseTo(46.0055 / 24.0611, 4);
    expect(body.count).toBe(body.phenomena.length);
  });
});

describe('GET /api/v1/latest', () => {
  it("gives each station's newest value of the phenomenon, with public location and licence", async () => {
    const body = await get<z.output<typeof BulkLatestSchema>>('/api/v1/latest?phenomenon=pm25');
    expect(body).toMatchObject({ phenomenon: 'pm25', unit: 'µg/m³', count: 3 });
    expect(body.results.map((r) => [r.station, r.sensor, r.value])).toEqual([
      ['FR-NICE', 'PM2.5', 4],
      ['FR03043', 'PM2.5', 9],
      ['balcon', 'PMS5003', 12.5],
    ]);
    const balcon = body.results[2]!;
    expect(balcon).toMatchObject({
      source: 'citizen',
      indicative: true,
      licence: 'ODbL-1.0',
      attribution: 'Souffle contributors',
      flags: ['humid'],
      time: new Date(NOW - 10 * 60_000).toISOString(),
    });
    // The ~200 m cell's centre, never the exact balcony.
    expect(balcon.lat).not.toBe(43.30461);
    expect(body.results[1]).toMatchObject({
      attribution: 'AtmoSud',
      validation: 'provisional',
      indicative: false,
    });
  });

  it('keeps to the bbox, the source and recent values on request', async () => {
    const inMarseille = await get<z.output<typeof BulkLatestSchema>>(
      '/api/v1/latest?phenomenon=pm25&bbox=5.2,43.2,5.6,43.4&source=atmosud',
    );
    expect(inMarseille.results.map((r) => r.station)).toEqual(['FR03043']);
    const recent = await get<z.output<typeof BulkLatestSchema>>(
      `/api/v1/latest?phenomenon=pm25&since=${NOW - DAY}`,
    );
    expect(recent.results.map((r) => r.station)).toEqual(['FR03043', 'balcon']);
    const none = await get<z.output<typeof BulkLatestSchema>>('/api/v1/latest?phenomenon=co2');
    expect(none).toMatchObject({ count: 0, results: [] });
  });

  it('needs a known phenomenon', async () => {
    const res = await f.app.request('/api/v1/latest?phenomenon=pm2_5');
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain('"phenomenon"');
    expect((await f.app.request('/api/v1/latest')).status).toBe(400);
  });
});

describe('GET /api/v1/stations/{id}/profile', () => {
  it('groups valid hourly means by local hour, across the spring clock change', async () => {
    const body = await get<z.output<typeof ProfileSchema>>(
      `/api/v1/stations/FR03043/profile?phenomenon=no2&from=${START}&to=2026-04-10`,
    );
    expect(body).toMatchObject({ profile: 'hour-of-day', timeZone: 'Europe/Paris', sensor: 'NO2' });
    expect(body.points.map((p) => p.key)).toEqual(Array.from({ length: 24 }, (_, h) => h));
    for (const p of body.points) {
      expect(p.mean, `hour ${p.key}`).toBe(p.key);
      expect(p).toMatchObject({ min: p.key, max: p.key, median: p.key, sd: 0 });
    }
    // 120 hours, but on 29 March local 02:00 does not exist: hour 2 has 4, the others 5.
    expect(body.points.reduce((a, p) => a + p.hours, 0)).toBe(120);
    expect(body.points[2]!.hours).toBe(4);
  });

  it('groups by ISO weekday (1 Monday … 7 Sunday) and month, empty groups with hours 0', async () => {
    const week = await get<z.output<typeof ProfileSchema>>(
      `/api/v1/stations/FR03043/profile?phenomenon=o3&profile=day-of-week&from=${START - DAY}&to=${START + 15 * DAY}`,
    );
    expect(week.points.map((p) => p.key)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(week.points.every((p) => p.mean === 50)).toBe(true);
    // 14 days of 24 hours from Friday 27 February 00:00 UTC (01:00 in Paris).
    expect(week.points.reduce((a, p) => a + p.hours, 0)).toBe(336);
    const months = await get<z.output<typeof ProfileSchema>>(
      `/api/v1/stations/FR03043/profile?phenomenon=o3&profile=month-of-year&from=${START - DAY}&to=${START + 15 * DAY}`,
    );
    expect(months.points).toHaveLength(12);
    expect(months.points[0]).toMatchObject({ key: 1, hours: 0, mean: null, median: null });
    expect(months.points[1]!.hours + months.points[2]!.hours).toBe(336);
  });

  it('answers 404 for a phenomenon the station lacks and 400 beyond five years', async () => {
    expect((await f.app.request('/api/v1/stations/FR03043/profile?phenomenon=so2')).status).toBe(404);
    const res = await f.app.request('/api/v1/stations/FR03043/profile?phenomenon=no2&from=2015-01-01');
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain('"from"');
  });
});
