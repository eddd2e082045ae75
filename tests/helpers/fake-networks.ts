// Fake Sensor.Community and openSenseMap APIs (Hono on a real port), serving the shapes the
// networks document, so the importers run against a real HTTP server with no network:
// - Sensor.Community: opendata-stuttgart/meta wiki "EN-APIs" (endpoints /airrohr/v1/filter/<query>
//   and /static/v2/data.1h.json), items as data.sensor.community answers them: { id, timestamp
//   "YYYY-MM-DD hh:mm:ss" (UTC), location { id, latitude, longitude, altitude, country,
//   exact_location, indoor } (numbers as strings), sensor { id, pin, sensor_type { id, name,
//   manufacturer } }, sensordatavalues [{ id, value (string), value_type }] };
// - openSenseMap: sensebox/openSenseMap-API (boxesController.js, measurementsController.js and
//   docs.opensensemap.org): GET /boxes?bbox=… → boxes { _id, name, exposure, currentLocation
//   { type, coordinates [lon, lat], timestamp }, sensors [{ _id, title, unit, sensorType,
//   lastMeasurement { value, createdAt } }] }; GET /boxes/:boxId/data/:sensorId?from-date&to-date
//   → [{ value (string), createdAt (ISO) }], newest first.
// - Sensor.Community's daily archive (archive.sensor.community/<day>/<day>_<type>_sensor_<id>.csv,
//   semicolon-separated, header sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;
//   P2;durP2;ratioP2 for an SDS011), served under /archive.
// Every request is recorded; `down` makes the server answer 503 (retried, then a failure).
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';

type Json = Record<string, unknown>;

export type FakeNetworks = {
  url: string;
  /** Sensor.Community items served by the filter and 1h endpoints (raw: malformed ones allowed). */
  scItems: unknown[];
  /** openSenseMap boxes (raw), and each sensor's measurements by `${boxId}:${sensorId}`. */
  osemBoxes: unknown[];
  osemData: Map<string, Array<{ value: string; createdAt: string }>>;
  /** Sensor.Community's daily archive under /archive: file name → CSV text (others: 404). */
  archive: Map<string, string>;
  requests: Array<{ path: string; query: Record<string, string> }>;
  close(): Promise<void>;
};

export async function startFakeNetworks(): Promise<FakeNetworks> {
  const fake = {
    scItems: [] as unknown[],
    osemBoxes: [] as unknown[],
    osemData: new Map<string, Array<{ value: string; createdAt: string }>>(),
    archive: new Map<string, string>(),
    requests: [] as Array<{ path: string; query: Record<string, string> }>,
  };
  const app = new Hono();
  app.use('*', async (c, next) => {
    fake.requests.push({ path: decodeURIComponent(c.req.path), query: c.req.query() });
    await next();
  });
  app.get('/airrohr/v1/filter/:query', (c) => c.json(fake.scItems));
  app.get('/static/v2/data.1h.json', (c) => c.json(fake.scItems));
  app.get('/boxes', (c) => c.json(fake.osemBoxes));
  app.get('/boxes/:box/data/:sensor', (c) => {
    const from = Date.parse(c.req.query('from-date') ?? '1970-01-01T00:00:00Z');
    const to = Date.parse(c.req.query('to-date') ?? '2100-01-01T00:00:00Z');
    const all = fake.osemData.get(`${c.req.param('box')}:${c.req.param('sensor')}`) ?? [];
    const inRange = all.filter((m) => {
      const t = Date.parse(m.createdAt);
      return Number.isNaN(t) || (t >= from && t <= to);
    });
    return c.json(inRange.sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
  });
  app.get('/archive/:day/:file', (c) => {
    const csv = fake.archive.get(c.req.param('file'));
    return csv === undefined ? c.text('Not Found', 404) : c.text(csv, 200, { 'content-type': 'text/csv' });
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** "2026-03-10 09:05:00": Sensor.Community's UTC timestamp. */
export const scTime = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

/** One Sensor.Community item: a sensor of a location, its values at one time. */
export function scItem(o: {
  location: number;
  lat: number;
  lon: number;
  sensor: number;
  type: string;
  time: number;
  values: Record<string, string>;
  indoor?: 0 | 1;
}): Json {
  return {
    id: o.sensor * 1000 + (Math.floor(o.time / 1000) % 1000),
    sampling_rate: null,
    timestamp: scTime(o.time),
    location: {
      id: o.location,
      latitude: o.lat.toFixed(3),
      longitude: o.lon.toFixed(3),
      altitude: '40.0',
      country: 'FR',
      exact_location: 0,
      indoor: o.indoor ?? 0,
    },
    sensor: { id: o.sensor, pin: '1', sensor_type: { id: 14, name: o.type, manufacturer: 'Nova Fitness' } },
    sensordatavalues: Object.entries(o.values).map(([value_type, value], i) => ({
      id: o.sensor * 10 + i,
      value,
      value_type,
    })),
  };
}

/** One openSenseMap box with its sensors (each { _id, title, unit, sensorType }). */
export function osemBox(o: {
  id: string;
  name: string;
  lat: number;
  lon: number;
  exposure?: string;
  sensors: Array<{ _id: string; title: string; unit: string; sensorType: string; last?: number }>;
}): Json {
  return {
    _id: o.id,
    name: o.name,
    exposure: o.exposure ?? 'outdoor',
    model: 'homeV2Wifi',
    grouptag: [],
    createdAt: '2023-05-01T10:00:00.000Z',
    updatedAt: '2026-03-10T09:00:00.000Z',
    currentLocation: { type: 'Point', coordinates: [o.lon, o.lat], timestamp: '2023-05-01T10:00:00.000Z' },
    sensors: o.sensors.map(({ last, ...s }) => ({
      ...s,
      icon: 'osem-cloud',
      lastMeasurement: last === undefined ? null : { value: '1.0', createdAt: new Date(last).toISOString() },
    })),
  };
}
