// Which station /compare picks, why it says it did, and the agreement it measures, on a few
// stations around Marseille typed as AtmoSud types them (data/reference/atmosud-station-types.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareResponse } from '../../data/api-types.js';
import { upsertStation } from '../../data/store/stations.js';
import type { StationType } from '../../data/station-types.js';
import { citizen, DAY, fixture, hourly, HOUR, json, NOW, readings, TODAY, type Fixture } from './fixtures.js';

let f: Fixture;

async function station(id: string, lat: number, lon: number, stationType: StationType | null) {
  await upsertStation(f.db, { id, source: 'atmosud', name: id, lat, lon, stationType }, NOW - 30 * DAY);
}

const FROM = TODAY - 3 * DAY;

beforeAll(async () => {
  f = await fixture();
  // A sensor in Marseille's 4th arrondissement: the L2 traffic station is nearer than Longchamp.
  await citizen(f.db, { id: 'balcon', lat: 43.3075, lon: 5.415, exactLocation: true });
  await station('kaddouz', 43.3085, 5.4253, 'traffic'); // ~0.8 km
  await station('longchamp', 43.3053, 5.3947, 'urban-background'); // ~1.7 km
  await station('gardanne', 43.4536, 5.4667, null); // ~17 km, type unknown
  await station('toulon', 43.1242, 5.928, 'urban-background'); // ~45 km
  // Sensor = 0.5 · reference + 2 at Longchamp, three whole days: an exact line.
  const ref = (i: number) => 10 + (i % 24);
  await readings(f.db, 'longchamp', 'pm25', hourly(FROM, 72, ref), { sensor: 'reference' });
  await readings(
    f.db,
    'balcon',
    'pm25',
    hourly(FROM, 72, (i) => 0.5 * ref(i) + 2),
  );
  await readings(f.db, 'balcon', 'pm10', hourly(FROM, 3, 20));
  await readings(f.db, 'kaddouz', 'pm25', hourly(FROM, 72, 40), { sensor: 'reference' });
  await readings(f.db, 'gardanne', 'pm25', hourly(FROM, 72, 12), { sensor: 'reference' });
  await readings(f.db, 'toulon', 'pm25', hourly(FROM, 72, 9), { sensor: 'reference' });
  await readings(f.db, 'toulon', 'no2', hourly(FROM, 2, 9), { sensor: 'reference' });
});
afterAll(() => f.cleanup());

const get = async (query: string) =>
  f.app.request(
    `/api/v1/stations/balcon/compare?phenomenon=pm25&from=${new Date(FROM).toISOString()}${query}`,
  );
const body = async (query = '') => json<CompareResponse>(await get(query));

describe('the reference station /compare picks', () => {
  it('is the nearest background station, passing over a nearer traffic station and saying why', async () => {
    const b = await body();
    expect(b.reference).toMatchObject({ station: { id: 'longchamp', stationType: 'urban-background' } });
    expect(b.reference!.distanceMetres).toBeGreaterThan(1500);
    expect(b.reference!.distanceMetres).toBeLessThan(1900);
    expect(b.choice.how).toBe('nearest-background');
    expect(b.choice.passedOver).toEqual([
      expect.objectContaining({ id: 'kaddouz', stationType: 'traffic', reason: 'not-background' }),
    ]);
    expect(b.choice.explanation).toContain('longchamp: the nearest background station');
    expect(b.choice.explanation).toContain('Nearer but left aside: kaddouz (traffic, 841 m)');
  });

  it('is the traffic station only when asked: nearest-any, or by id', async () => {
    expect((await body('&reference=nearest-any')).reference!.station.id).toBe('kaddouz');
    const asked = await body('&reference=kaddouz');
    expect(asked.choice.how).toBe('asked');
    expect(asked.reference).toMatchObject({ stationType: 'traffic', sharedPhenomena: ['pm25'] });
  });

  it('falls back to a station of unknown type within the radius, and says no background one was found', async () => {
    const b = await body('&radius=1200');
    expect(b.reference).toBeNull();
    expect(b.choice).toMatchObject({ how: 'none', radiusMetres: 1200 });
    expect(b.choice.nearestOutside).toMatchObject({ id: 'kaddouz' });
    expect(b.choice.explanation).toContain('reference=kaddouz or reference=nearest-any');
    expect(b.metrics.hourly.n).toBe(0);
  });

  it('rejects a reference that does not exist, does not measure the phenomenon, or is the station itself', async () => {
    expect((await get('&reference=nowhere')).status).toBe(404);
    const no2 = await f.app.request(
      `/api/v1/stations/balcon/compare?phenomenon=no2&from=${new Date(FROM).toISOString()}&reference=longchamp`,
    );
    expect(no2.status).toBe(400);
    expect((await json<{ error: { message: string } }>(no2)).error.message).toContain(
      '"longchamp" does not measure no2',
    );
    expect((await get('&reference=balcon')).status).toBe(400);
    expect((await get('&radius=5')).status).toBe(400);
  });
});

describe('the agreement /compare measures', () => {
  it('finds the line the sensor follows, hour by hour and on 24-hour means of local days', async () => {
    const { hourly: h, daily: d, coverage } = (await body()).metrics;
    expect(coverage).toMatchObject({ pairedHours: 72, sensorHours: 72, referenceHours: 72 });
    // From 3 days before today 00:00 UTC to now (20:30): 3 × 24 + 20 completed hours.
    expect(coverage.hours).toBe(92);
    expect(h.n).toBe(72);
    expect(h.slope).toBeCloseTo(0.5, 9);
    expect(h.intercept).toBeCloseTo(2, 9);
    expect(h.r2).toBeCloseTo(1, 9);
    expect(h.bias).toBeCloseTo(0.5 * 21.5 + 2 - 21.5, 9);
    // Paris days run 23:00 to 23:00 UTC in March: the first local day holds 23 paired hours
    // (≥ 75 %) and counts, the fourth holds one and does not.
    expect(d.days).toBe(3);
    expect(d.slope).toBeCloseTo(0.5, 9);
  });

  it('leaves the statistics out below a day of pairs', async () => {
    const short = await f.app.request(
      `/api/v1/stations/balcon/compare?phenomenon=pm25&from=${new Date(FROM).toISOString()}&to=${new Date(FROM + 10 * HOUR).toISOString()}`,
    );
    const { hourly: h } = (await json<CompareResponse>(short)).metrics;
    expect(h).toMatchObject({ n: 10, enough: false, rmse: null, r2: null });
  });
});
