// The exact location of a citizen station must never leave through the public API: every public
// answer is scanned for its exact coordinates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen, fixture, hourly, readings, reference, TODAY, type Fixture } from './fixtures.js';

const EXACT = { lat: 43.296482, lon: 5.369781 };
let f: Fixture;
let token = '';

beforeAll(async () => {
  f = await fixture();
  token = (await citizen(f.db, { id: 'chez-moi', ...EXACT })).token;
  await reference(f.db, { id: 'FR-REF', lat: 43.3056, lon: 5.3948 });
  await readings(f.db, 'chez-moi', 'pm25', hourly(TODAY, 20, 11));
  await readings(f.db, 'FR-REF', 'pm25', hourly(TODAY, 20, 9), { sensor: 'reference' });
});
afterAll(() => f.cleanup());

const PUBLIC = [
  '/api/v1/stations',
  '/api/v1/stations?format=geojson',
  '/api/v1/stations?near=43.2965,5.3698&radius=5000',
  '/api/v1/stations?bbox=5.3,43.2,5.4,43.4',
  '/api/v1/stations/chez-moi',
  '/api/v1/stations/chez-moi/latest',
  '/api/v1/stations/chez-moi/series?phenomenon=pm25&step=raw&from=2026-03-10',
  '/api/v1/stations/chez-moi/series?phenomenon=pm25&format=csv&from=2026-03-10',
  '/api/v1/stations/chez-moi/index?scheme=eaqi',
  '/api/v1/stations/chez-moi/compare?phenomenon=pm25&from=2026-03-10',
  '/api/v1/stations/FR-REF/compare?phenomenon=pm25&from=2026-03-10',
  '/api/v1/export?format=csv',
  '/api/v1/export?format=ndjson&step=1h',
  '/api/v1/export?format=geojson&step=1d',
  '/api/v1/openapi.json',
];

describe('location privacy', () => {
  it.each(PUBLIC)('%s never contains the exact coordinates of a citizen station', async (path) => {
    const res = await f.app.request(path);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(String(EXACT.lat));
    expect(text).not.toContain(String(EXACT.lon));
    expect(text).not.toContain(EXACT.lat.toFixed(5));
    expect(text).not.toContain(EXACT.lon.toFixed(5));
  });

  it("nor does the owner's device status", async () => {
    const res = await f.app.request('/api/v1/devices/chez-moi/status', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toMatch(/43\.29648|5\.36978/);
  });

  it('shows the public cell centre instead, which the scan above would have caught otherwise', async () => {
    const text = await (await f.app.request('/api/v1/stations/chez-moi')).text();
    const { lat, lon } = JSON.parse(text) as { lat: number; lon: number };
    expect(Math.abs(lat - EXACT.lat)).toBeLessThan(0.001);
    expect(Math.abs(lon - EXACT.lon)).toBeLessThan(0.0015);
    expect(text).toContain(String(lat));
  });
});
