import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationsResponse, StationSummary } from '../../data/api-types.js';
import { citizen, fixture, hourly, HOUR, json, NOW, readings, reference, type Fixture } from './fixtures.js';

let f: Fixture;

beforeAll(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'ecole-a', lat: 43.3046, lon: 5.3806 });
  await citizen(f.db, { id: 'balcon-b', lat: 43.2501, lon: 5.4012 });
  await citizen(f.db, { id: 'jamais-c', lat: 43.52, lon: 5.45 });
  await reference(f.db, { id: 'FR-LONGCHAMP', lat: 43.3056, lon: 5.3948 });
  await readings(f.db, 'ecole-a', 'pm25', hourly(NOW - 5 * HOUR, 5, 12)); // newest at NOW-50min: online
  await readings(f.db, 'ecole-a', 'temperature', hourly(NOW - 5 * HOUR, 5, 18), {
    sensor: 'BME280',
    unit: '°C',
  });
  await readings(f.db, 'balcon-b', 'pm10', hourly(NOW - 30 * HOUR, 5, 20)); // a day old: offline
  await readings(f.db, 'FR-LONGCHAMP', 'no2', hourly(NOW - 3 * HOUR, 3, 30), { sensor: 'reference' });
});
afterAll(() => f.cleanup());

const list = async (query = '') => {
  const res = await f.app.request(`/api/v1/stations${query}`);
  expect(res.status).toBe(200);
  return json<StationsResponse>(res);
};

describe('GET /api/v1/stations', () => {
  it('lists every station with its phenomena, status and source', async () => {
    const body = await list();
    expect(body.count).toBe(4);
    const byId = Object.fromEntries(body.stations.map((s) => [s.id, s]));
    expect(byId['ecole-a']).toMatchObject({
      source: 'citizen',
      phenomena: ['pm25', 'temperature'],
      status: 'online',
      indicative: true,
      exactLocation: false,
    });
    expect(byId['balcon-b']!.status).toBe('offline');
    expect(byId['jamais-c']).toMatchObject({ status: 'never', lastSeen: null, phenomena: [] });
    expect(byId['FR-LONGCHAMP']).toMatchObject({
      source: 'atmosud',
      indicative: false,
      licence: 'ODbL-1.0',
      lat: 43.3056,
    });
  });

  it('shows a citizen station at the centre of its 200 m cell, not where it is', async () => {
    const s = (await list()).stations.find((x) => x.id === 'ecole-a')!;
    expect(s.lat).not.toBe(43.3046);
    expect(Math.abs(s.lat - 43.3046)).toBeLessThan(0.002);
  });

  it('filters by source, phenomenon and bounding box', async () => {
    expect((await list('?source=atmosud')).stations.map((s) => s.id)).toEqual(['FR-LONGCHAMP']);
    expect((await list('?phenomenon=pm10')).stations.map((s) => s.id)).toEqual(['balcon-b']);
    expect((await list('?bbox=5.3,43.28,5.42,43.32')).stations.map((s) => s.id).sort()).toEqual([
      'FR-LONGCHAMP',
      'ecole-a',
    ]);
  });

  it('finds stations near a point, nearest first, with their distance', async () => {
    const body = await list('?near=43.3050,5.3900&radius=2000');
    expect(body.stations.map((s) => s.id)).toEqual(['FR-LONGCHAMP', 'ecole-a']);
    const [first, second] = body.stations as [StationSummary, StationSummary];
    expect(first.distanceMetres).toBeLessThan(second.distanceMetres!);
  });

  it('answers GeoJSON with [lon, lat] points', async () => {
    const res = await f.app.request('/api/v1/stations?format=geojson&source=atmosud');
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    const body = await json<{
      type: string;
      features: { geometry: { coordinates: number[] }; properties: Record<string, unknown> }[];
    }>(res);
    expect(body.type).toBe('FeatureCollection');
    expect(body.features[0]!.geometry.coordinates).toEqual([5.3948, 43.3056]);
    expect(body.features[0]!.properties).not.toHaveProperty('lat');
  });

  it.each([
    ['?source=official', 'source'],
    ['?phenomenon=pm2_5', 'phenomenon'],
    ['?bbox=1,2,3', 'bbox'],
    ['?bbox=6,43,5,44', 'bbox'],
    ['?near=north', 'near'],
    ['?near=43.3,5.4&radius=-5', 'radius'],
    ['?radius=100', 'radius'],
    ['?format=xml', 'format'],
    ['?colour=blue', 'colour'],
  ])('rejects %s with 400 naming %s', async (query, name) => {
    const res = await f.app.request(`/api/v1/stations${query}`);
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string; message: string } }>(res);
    expect(body.error.message).toContain(`"${name}"`);
  });

  it('lets any website read it (CORS *, no credentials), with caching headers', async () => {
    const res = await f.app.request('/api/v1/stations', { headers: { Origin: 'https://ecole.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = res.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await f.app.request('/api/v1/stations', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('answers a browser preflight for any origin, and exposes the caching headers', async () => {
    const preflight = await f.app.request('/api/v1/stations', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://ecole.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'If-None-Match, Accept',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,HEAD,OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('If-None-Match,Accept');
    expect(preflight.headers.get('access-control-max-age')).toBe('86400');
    const res = await f.app.request('/api/v1/stations/nowhere', {
      headers: { Origin: 'https://ecole.example' },
    });
    expect(res.status).toBe(404); // errors too, so that a widget can read why
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
  });

  it('sends a small answer as it is, with its length, even to clients that accept gzip', async () => {
    const res = await f.app.request('/api/v1/stations/balcon-b', { headers: { 'Accept-Encoding': 'gzip' } });
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.byteLength).toBeLessThan(1024);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(body.byteLength));
    expect(JSON.parse(body.toString('utf8'))).toMatchObject({ id: 'balcon-b' });
  });

  it('compresses JSON for clients that accept gzip', async () => {
    const res = await f.app.request('/api/v1/stations', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = JSON.parse(
      gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8'),
    ) as StationsResponse;
    expect(body.count).toBe(4);
  });
});

describe('GET /api/v1/stations/{id}', () => {
  it('answers one station', async () => {
    const res = await f.app.request('/api/v1/stations/balcon-b');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: 'balcon-b', status: 'offline', phenomena: ['pm10'] });
  });

  it('answers 404 for an unknown id', async () => {
    const res = await f.app.request('/api/v1/stations/nowhere');
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: { code: 'not_found', message: 'no station "nowhere"' } });
  });
});
