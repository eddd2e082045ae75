// The Sensor.Community and openSenseMap importers end to end (issue 15, "Existing networks,
// imported"): fake servers on real ports serving the networks' documented shapes
// (tests/helpers/fake-networks.ts) → the importer → the database → the public API. The imported
// kits are stations of their own source with the ODbL attribution, a second pull adds only what is
// new, a malformed item is skipped with its reason without stopping the pull, and the importers are
// off unless a setting turns them on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { SeriesResponse, StationsResponse } from '../../data/api-types.js';
import type { Db } from '../../data/db.js';
import { loadConfig } from '../../cli/config.js';
import { startNetworkImporters } from '../../cli/network-importers.js';
import {
  backfillSensorCommunityArchive,
  createOpenSenseMapPuller,
  createSensorCommunityPuller,
} from '../../ingest/index.js';
import { archiveDays } from '../../ingest/networks/sensor-community-archive.js';
import { freePort } from '../../testing/free-port.js';
import { osemBox, scItem, startFakeNetworks, type FakeNetworks } from '../helpers/fake-networks.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const METROPOLIS = [4.8, 43.15, 5.82, 43.77] as const;

let t: TempDb;
let fake: FakeNetworks;
let lines: string[];
const logger = {
  debug: (m: string) => lines.push(`debug ${m}`),
  info: (m: string) => lines.push(`info ${m}`),
  warn: (m: string) => lines.push(`warn ${m}`),
  error: (m: string) => lines.push(`error ${m}`),
};

beforeEach(async () => {
  t = await tempDb();
  fake = await startFakeNetworks();
  lines = [];
});
afterEach(async () => {
  await fake.close();
  await t.cleanup();
});

const app = () =>
  createApp({
    db: t.db,
    adminToken: 'test-admin-token-0123456789',
    publicUrl: 'https://souffle.example.org',
    mqttUrl: 'mqtt://souffle.example.org:1883',
    webDir: '/nonexistent-souffle-web',
  });

async function get<T>(path: string): Promise<T> {
  const res = await app().request(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

const readingCount = async (db: Db) =>
  Number(
    (
      await db
        .selectFrom('readings')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const scPuller = (baseUrl = fake.url) =>
  createSensorCommunityPuller({
    db: t.db,
    baseUrl,
    bbox: METROPOLIS,
    feed: 'area',
    intervalMs: 5 * MIN,
    timeoutMs: 5000,
    retries: 0,
    logger,
  });

describe('the Sensor.Community importer', () => {
  it('stores the kits of the area as sensor.community stations, shown with their attribution and values', async () => {
    const marseille = { location: 5001, lat: 43.296, lon: 5.37 };
    fake.scItems.push(
      scItem({
        ...marseille,
        sensor: 101,
        type: 'SDS011',
        time: NOW - 5 * MIN,
        values: { P1: '20.50', P2: '11.20' },
      }),
      scItem({
        ...marseille,
        sensor: 102,
        type: 'BME280',
        time: NOW - 5 * MIN,
        values: { temperature: '14.20', humidity: '71.00', pressure: '101325.00' },
      }),
      // Indoor, in Aix; durP1 is a value type Souffle does not store.
      scItem({
        location: 5002,
        lat: 43.53,
        lon: 5.45,
        sensor: 103,
        type: 'SDS011',
        time: NOW - 4 * MIN,
        indoor: 1,
        values: { P1: '8.00', P2: '4.00', durP1: '1234' },
      }),
      // Avignon: inside the circle the API is asked for, outside the metropolis.
      scItem({
        location: 6000,
        lat: 43.949,
        lon: 4.806,
        sensor: 104,
        type: 'SDS011',
        time: NOW,
        values: { P2: '3' },
      }),
      // Malformed: a latitude that is not a number.
      {
        ...scItem({ location: 7, lat: 43.3, lon: 5.4, sensor: 105, type: 'SDS011', time: NOW, values: {} }),
        location: { id: 7, latitude: 'n/a', longitude: '5.4' },
      },
    );
    const first = await scPuller().pullOnce();
    expect(first).toMatchObject({
      status: 'partial',
      stations: 2,
      stationsWritten: 2,
      inserted: 7,
      unchanged: 0,
    });
    expect(first.skipped).toEqual({ 'malformed item': 1, 'value type not imported': 1 });
    expect(first.message).toMatch(
      /^Sensor\.Community: 2 station\(s\).*7 new value\(s\).*skipped: 1 value type not imported, 1 malformed item/,
    );
    // The area is asked as the circle around the metropolis' box.
    expect(fake.requests[0]!.path).toMatch(/^\/airrohr\/v1\/filter\/area=43\.4600,5\.3100,\d+$/);

    const { stations } = await get<StationsResponse>('/api/v1/stations?source=sensor.community');
    expect(stations.map((s) => s.id)).toEqual(['sc-5001', 'sc-5002']);
    expect(stations[0]).toMatchObject({
      source: 'sensor.community',
      name: 'Sensor.Community 5001',
      lat: 43.296,
      lon: 5.37,
      exposure: 'outdoor',
      attribution: 'Sensor.Community contributors',
      licence: 'ODbL-1.0',
      indicative: true,
    });
    expect(stations[1]).toMatchObject({ exposure: 'indoor' });
    // Souffle's own stations are not mixed in, and the imported ones are not citizen ones.
    expect((await get<StationsResponse>('/api/v1/stations?source=citizen')).stations).toEqual([]);

    const pm25 = await get<SeriesResponse>('/api/v1/stations/sc-5001/series?phenomenon=pm25&step=raw');
    expect(pm25).toMatchObject({ sensor: 'SDS011', unit: 'µg/m³' });
    expect(pm25.points.map((p) => [p.t, p.value])).toEqual([[NOW - 5 * MIN, 11.2]]);
    const pressure = await get<SeriesResponse>(
      '/api/v1/stations/sc-5001/series?phenomenon=pressure&step=raw',
    );
    expect(pressure.points.map((p) => p.value)).toEqual([1013.3]); // sent in Pa, shown in hPa to its decimal

    // /healthz says when it last reached the network.
    const health = await get<{ imports?: Array<Record<string, unknown>> }>('/healthz');
    expect(health.imports).toEqual([
      {
        source: 'sensor.community',
        reachable: true,
        lastAttempt: expect.any(String),
        lastSuccess: expect.any(String),
      },
    ]);

    // The malformed item's reason is in the ingest error log, under the importer's source.
    const errors = await t.db.selectFrom('ingest_errors').select(['source', 'reason']).execute();
    expect(errors).toEqual([
      {
        source: 'sensor.community',
        reason: expect.stringMatching(/^item #4 skipped: field "location.latitude"/),
      },
    ]);

    // Five minutes later the API answers the newest measurement too: only that one is new.
    const before = await readingCount(t.db);
    fake.scItems.push(
      scItem({ ...marseille, sensor: 101, type: 'SDS011', time: NOW, values: { P1: '22.00', P2: '12.00' } }),
    );
    const second = await scPuller().pullOnce();
    expect(second).toMatchObject({ stations: 2, stationsWritten: 0, inserted: 2, unchanged: 7 });
    expect(await readingCount(t.db)).toBe(before + 2);
  });

  it('reads the hourly means of the whole network instead when SENSOR_COMMUNITY_FEED=1h, keeping the area', async () => {
    fake.scItems.push(
      scItem({
        location: 5001,
        lat: 43.296,
        lon: 5.37,
        sensor: 101,
        type: 'SDS011',
        time: NOW,
        values: { P2: '7' },
      }),
      scItem({
        location: 9,
        lat: 48.78,
        lon: 9.18,
        sensor: 9,
        type: 'SDS011',
        time: NOW,
        values: { P2: '9' },
      }), // Stuttgart
    );
    const hourly = createSensorCommunityPuller({
      db: t.db,
      baseUrl: fake.url,
      bbox: METROPOLIS,
      feed: '1h',
      intervalMs: 5 * MIN,
      timeoutMs: 5000,
      retries: 0,
      logger,
    });
    expect(await hourly.pullOnce()).toMatchObject({ status: 'ok', stations: 1, inserted: 1 });
    expect(fake.requests.map((r) => r.path)).toEqual(['/static/v2/data.1h.json']);
  });

  it('logs an unreachable API, changes nothing, and waits longer before the next attempt', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const puller = scPuller(closed);
    puller.start();
    await expect.poll(() => lines.find((l) => l.startsWith('error'))).toBeDefined();
    await puller.stop();
    const line = lines.find((l) => l.startsWith('error'))!;
    expect(line).toMatch(
      /Sensor\.Community: unreachable: .*nothing stored was changed; next attempt in 10 min/,
    );
    expect(await t.db.selectFrom('stations').selectAll().execute()).toEqual([]);
    const health = await get<{ imports?: Array<Record<string, unknown>> }>('/healthz');
    expect(health.imports).toEqual([
      { source: 'sensor.community', reachable: false, lastAttempt: expect.any(String), lastSuccess: null },
    ]);
  });
});

describe('the openSenseMap importer', () => {
  const SENSORS = [
    { _id: 's-pm25', title: 'PM2.5', unit: 'µg/m³', sensorType: 'SDS 011' },
    { _id: 's-pm10', title: 'PM10', unit: 'µg/m³', sensorType: 'SDS 011' },
    { _id: 's-temp', title: 'Temperatur', unit: '°C', sensorType: 'HDC1080' },
    { _id: 's-wifi', title: 'Wifi-Stärke', unit: 'dBm', sensorType: 'WiFi' },
  ];
  const at = (t: number, value: string) => ({ value, createdAt: new Date(t).toISOString() });

  const puller = (now: number) =>
    createOpenSenseMapPuller({
      db: t.db,
      baseUrl: fake.url,
      bbox: METROPOLIS,
      phenomenon: 'PM2.5',
      lookbackMs: 86_400_000,
      intervalMs: 10 * MIN,
      timeoutMs: 5000,
      concurrency: 2,
      retries: 0,
      logger,
      now: () => now,
    });

  it('reads each air-quality sensor of the fixed boxes since its last stored value', async () => {
    fake.osemBoxes.push(
      osemBox({ id: 'box-aix', name: 'École Mignet', lat: 43.5297, lon: 5.4474, sensors: SENSORS }),
      osemBox({ id: 'box-bike', name: 'Vélo', lat: 43.3, lon: 5.4, exposure: 'mobile', sensors: SENSORS }),
      { name: 'no id', sensors: [] },
    );
    fake.osemData.set('box-aix:s-pm25', [
      at(NOW - 30 * MIN, '9.1'),
      at(NOW - 20 * MIN, '10.4'),
      at(NOW - 10 * MIN, '12.0'),
      { value: '12', createdAt: 'yesterday' },
    ]);
    fake.osemData.set('box-aix:s-pm10', [at(NOW - 20 * MIN, '15.0'), at(NOW - 10 * MIN, '18.5')]);
    fake.osemData.set('box-aix:s-temp', [at(NOW - 20 * MIN, '11.5'), at(NOW - 10 * MIN, '11.8')]);

    const first = await puller(NOW).pullOnce();
    expect(first).toMatchObject({ status: 'partial', stations: 1, inserted: 7, unchanged: 0 });
    expect(first.skipped).toEqual({ 'malformed item': 2, 'mobile box': 1, 'sensor not imported': 1 });
    const list = fake.requests.find((r) => r.path === '/boxes')!;
    expect(list.query).toMatchObject({ bbox: '4.8,43.15,5.82,43.77', phenomenon: 'PM2.5' });
    expect(list.query.date).toBe(
      `${new Date(NOW - 86_400_000).toISOString()},${new Date(NOW).toISOString()}`,
    );

    const { stations } = await get<StationsResponse>('/api/v1/stations?source=opensensemap');
    expect(stations).toHaveLength(1);
    expect(stations[0]).toMatchObject({
      id: 'osem-box-aix',
      source: 'opensensemap',
      name: 'École Mignet',
      attribution: 'openSenseMap contributors',
      licence: 'ODbL-1.0',
      indicative: true,
    });
    const pm25 = await get<SeriesResponse>('/api/v1/stations/osem-box-aix/series?phenomenon=pm25&step=raw');
    expect(pm25.points.map((p) => p.value)).toEqual([9.1, 10.4, 12]);

    // Ten minutes later: one new PM2.5 value; PM10 says its last value is the one stored.
    fake.requests.length = 0;
    fake.osemData.get('box-aix:s-pm25')!.push(at(NOW + 5 * MIN, '13.3'));
    fake.osemBoxes[0] = osemBox({
      id: 'box-aix',
      name: 'École Mignet',
      lat: 43.5297,
      lon: 5.4474,
      sensors: SENSORS.map((s) => (s._id === 's-pm10' ? { ...s, last: NOW - 10 * MIN } : s)),
    });
    const second = await puller(NOW + 10 * MIN).pullOnce();
    expect(second).toMatchObject({ stations: 1, stationsWritten: 0, inserted: 1, unchanged: 0 });
    const dataRequests = fake.requests.filter((r) => r.path.startsWith('/boxes/box-aix/data/'));
    expect(dataRequests.map((r) => r.path).sort()).toEqual([
      '/boxes/box-aix/data/s-pm25',
      '/boxes/box-aix/data/s-temp',
    ]);
    // Each asks from just after its last stored value.
    expect(dataRequests.find((r) => r.path.endsWith('s-pm25'))!.query['from-date']).toBe(
      new Date(NOW - 10 * MIN + 1).toISOString(),
    );
    const again = await get<SeriesResponse>(
      `/api/v1/stations/osem-box-aix/series?phenomenon=pm25&step=raw&to=${new Date(NOW + 60 * MIN).toISOString()}`,
    );
    expect(again.points.map((p) => p.value)).toEqual([9.1, 10.4, 12, 13.3]);
  });
});

describe('turning the importers on and off', () => {
  it('runs none by default, and the one a setting enables', async () => {
    fake.scItems.push(
      scItem({ location: 1, lat: 43.3, lon: 5.4, sensor: 1, type: 'SDS011', time: NOW, values: { P2: '5' } }),
    );
    const env = {
      SENSOR_COMMUNITY_URL: fake.url,
      OPENSENSEMAP_URL: fake.url,
      SOUFFLE_ADMIN_TOKEN: 'x'.repeat(32),
    };
    expect(startNetworkImporters(loadConfig(env), t.db, logger)).toBeNull();
    expect(lines).toEqual([
      'debug Sensor.Community importer off (SENSOR_COMMUNITY_ENABLED=false)',
      'debug openSenseMap importer off (OPENSENSEMAP_ENABLED=false)',
    ]);
    expect(fake.requests).toEqual([]);

    const on = startNetworkImporters(loadConfig({ ...env, SENSOR_COMMUNITY_ENABLED: 'true' }), t.db, logger);
    expect(on).not.toBeNull();
    await expect
      .poll(() => lines.some((l) => l.startsWith('info Sensor.Community: 1 station(s)')))
      .toBe(true);
    await on!.stop();
    expect(fake.requests.every((r) => r.path.startsWith('/airrohr/'))).toBe(true);
    expect((await t.db.selectFrom('stations').select('source').execute()).map((s) => s.source)).toEqual([
      'sensor.community',
    ]);
  });
});

describe('the Sensor.Community archive backfill', () => {
  const header = 'sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2';
  const row = (time: string, p1: string, p2: string, location = '5001', lat = '43.296') =>
    `101;SDS011;${location};${lat};5.370;${time};${p1};;;${p2};;`;

  it('reads the daily files of the sensors the importer has seen, once', async () => {
    // The live importer has seen sensor 101 (an SDS011 at location 5001).
    fake.scItems.push(
      scItem({
        location: 5001,
        lat: 43.296,
        lon: 5.37,
        sensor: 101,
        type: 'SDS011',
        time: NOW,
        values: { P2: '7' },
      }),
    );
    expect((await scPuller().pullOnce()).status).toBe('ok');
    fake.archive.set(
      '2026-03-08_sds011_sensor_101.csv',
      [
        header,
        row('2026-03-08T00:01:10', '20.10', '11.00'),
        row('2026-03-08T00:03:35', '21.40', '11.90'),
        row('not-a-time', '1', '1'),
        row('2026-03-08T00:06:00', '19.00', '10.20', '6000', '43.949'), // moved to Avignon: outside
      ].join('\n'),
    );
    // 2026-03-09 is not archived (the kit was off): counted as missing, not an error.
    const env = { ...t.env, SENSOR_COMMUNITY_ARCHIVE_URL: `${fake.url}/archive` };
    const args = ['backfill', 'sensor-community', '--from', '2026-03-08', '--to', '2026-03-09', '--json'];
    const first = await runCli(args, env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      status: 'partial',
      files: 1,
      missing: 1,
      failed: 0,
      stations: 1,
      inserted: 4,
      skipped: { 'malformed item': 1 },
    });
    const pm25 = await get<SeriesResponse>(
      '/api/v1/stations/sc-5001/series?phenomenon=pm25&step=raw&from=2026-03-08&to=2026-03-09',
    );
    expect(pm25.points.map((p) => [new Date(p.t).toISOString(), p.value])).toEqual([
      ['2026-03-08T00:01:10.000Z', 11],
      ['2026-03-08T00:03:35.000Z', 11.9],
    ]);
    // Again, in this process (the same code the command runs): nothing new.
    const again = await backfillSensorCommunityArchive({
      db: t.db,
      archiveUrl: `${fake.url}/archive`,
      bbox: METROPOLIS,
      from: '2026-03-08',
      to: '2026-03-09',
      sensors: [{ id: 101, type: 'SDS011' }],
      timeoutMs: 5000,
    });
    expect(again).toMatchObject({ files: 1, inserted: 0, unchanged: 4 });
    expect(() => archiveDays('8 March', '2026-03-09')).toThrow('"8 March" is not a day (YYYY-MM-DD)');
    expect(() => archiveDays('2026-03-09', '2026-03-08')).toThrow(
      '--from 2026-03-09 is after --to 2026-03-08',
    );
  });
});
