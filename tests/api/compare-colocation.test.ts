// /compare on real data: a month of one-minute PM2.5 from two low-cost units beside a reference
// monitor (tests/fixtures/colocation, US EPA sensortoolkit example data, MIT). The readings go
// through the store's one write path (rows and rollups), the answer through a listening server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import type { CompareResponse } from '../../data/api-types.js';
import { calibrate } from '../../data/calibration/calibrate.js';
import { insertReadings } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import { COLOCATION_UNITS, referenceRows, sensorRows } from '../helpers/colocation-rows.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { ADMIN_TOKEN, citizen } from './fixtures.js';

const HOUR = 3_600_000;
// The site, Burdens Creek (Research Triangle Park, NC), and the units placed beside it.
const SITE = { lat: 35.8896, lon: -78.8747 };

let t: TempDb;
let server: ApiServer;

beforeAll(async () => {
  t = await tempDb();
  await upsertStation(t.db, {
    id: 'burdens-creek',
    source: 'atmosud', // served as a reference station, as the AtmoSud puller would store one
    name: 'Burdens Creek',
    ...SITE,
    stationType: 'suburban-background',
    attribution: 'US EPA',
    licence: 'MIT',
  });
  const refSeries = await ensureSeries(t.db, {
    stationId: 'burdens-creek',
    phenomenon: 'pm25',
    sensor: 'reference',
    unit: 'µg/m³',
    covers: HOUR,
  });
  await insertReadings(
    t.db,
    referenceRows()
      .filter((r) => r.param === 'PM2.5' && r.qc === 0)
      .map((r) => ({
        seriesId: refSeries,
        time: r.time,
        value: r.value,
        validation: 'validated',
        covers: HOUR,
      })),
  );
  for (const unit of COLOCATION_UNITS) {
    await citizen(t.db, {
      id: unit.toLowerCase(),
      lat: SITE.lat + 0.0001,
      lon: SITE.lon,
      exactLocation: true,
    });
    const series = await ensureSeries(t.db, {
      stationId: unit.toLowerCase(),
      phenomenon: 'pm25',
      sensor: 'Toco Toucan',
      unit: 'µg/m³',
    });
    const rows = sensorRows(unit).filter((r) => r.pm25 !== null);
    for (let i = 0; i < rows.length; i += 5000) {
      await insertReadings(
        t.db,
        rows.slice(i, i + 5000).map((r) => ({ seriesId: series, time: r.time, value: r.pm25! })),
      );
    }
  }
  const app = createApp({
    db: t.db,
    adminToken: ADMIN_TOKEN,
    publicUrl: 'http://127.0.0.1',
    mqttUrl: 'mqtt://127.0.0.1:1',
    webDir: '/nonexistent-souffle-web',
    // Local days of the site: its standard time, UTC−05:00, as the sensor files keep all month.
    timeZone: 'Etc/GMT+5',
    now: () => Date.UTC(2019, 8, 2),
  });
  server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  await t?.cleanup();
});

async function compare(unit: string, from = '2019-08-01'): Promise<CompareResponse> {
  const res = await fetch(
    `http://127.0.0.1:${server.port}/api/v1/stations/${unit}/compare?phenomenon=pm25&from=${from}&to=2019-09-01`,
  );
  expect(res.status).toBe(200);
  return (await res.json()) as CompareResponse;
}

describe('comparing the real co-located units with their reference monitor', () => {
  it('pairs the valid hours of August 2019 and measures how far the first unit reads low', async () => {
    const body = await compare('rt01');
    expect(body.reference).toMatchObject({
      station: { id: 'burdens-creek' },
      stationType: 'suburban-background',
      sharedPhenomena: ['pm25'],
    });
    expect(body.choice).toMatchObject({ how: 'nearest-background', passedOver: [] });
    const { hourly, daily, coverage } = body.metrics;
    // 744 hours in the month; 713 with 45 minutes of sensor rows, 730 reference hours of QC code 0.
    expect(coverage).toMatchObject({ hours: 744, sensorHours: 713, referenceHours: 730, pairedHours: 707 });
    expect(hourly.n).toBe(707);
    // The README of the data set: the sensors read about 40 % low (4.7 against 7.8 µg/m³), R² ≈ 0.5.
    expect(hourly.meanSensor).toBeCloseTo(4.69, 2);
    expect(hourly.meanReference).toBeCloseTo(7.78, 2);
    expect(hourly.bias).toBeCloseTo(-3.09, 2);
    expect(hourly.rmse).toBeCloseTo(3.53, 2);
    expect(hourly.r2).toBeCloseTo(0.52, 2);
    expect(hourly.slope).toBeCloseTo(0.817, 3);
    expect(hourly.intercept).toBeCloseTo(-1.668, 3);
    // 24-hour means smooth the hour-to-hour noise: a closer fit, the same bias.
    expect(daily.days).toBe(28);
    expect(daily.bias).toBeCloseTo(-3.1, 1);
    expect(daily.r2!).toBeGreaterThan(hourly.r2!);
    expect(body.correction).toBeNull();
  });

  it('gives the second unit its own figures, on the hours it has', async () => {
    const { hourly, coverage } = (await compare('rt02')).metrics;
    expect(coverage.pairedHours).toBe(708);
    expect(hourly.bias).toBeCloseTo(-3.12, 2);
    expect(hourly.rmse).toBeCloseTo(3.52, 2);
    expect(hourly.r2).toBeCloseTo(0.55, 2);
  });

  it('shows the corrected values once a calibration applies, and how much closer they are', async () => {
    // Fitted on the first half of the month, applied from its start; judged on the second half.
    const report = await calibrate(t.db, {
      deviceId: 'rt01',
      referenceStationId: 'burdens-creek',
      from: Date.UTC(2019, 7, 1),
      to: Date.UTC(2019, 8, 1),
      apply: true,
      timeZone: 'Etc/GMT+5',
      now: Date.UTC(2019, 8, 2),
    });
    const body = await compare('rt01', '2019-08-16T12:00:00Z');
    expect(body.correction).toMatchObject({ calibrationId: String(report.calibrationId) });
    expect(body.correction!.description).toContain('sma fit against burdens-creek');
    const raw = body.metrics.hourly;
    const corrected = body.correction!.metrics.hourly;
    expect(corrected.n).toBe(raw.n);
    expect(corrected.rmse!).toBeLessThan(raw.rmse! / 2);
    expect(Math.abs(corrected.bias!)).toBeLessThan(1);
    const hour = body.points.find((p) => p.value !== null && p.corrected != null)!;
    expect(hour.corrected).not.toBe(hour.value);
    // The other unit has no calibration: nothing pretends to be corrected.
    expect((await compare('rt02')).correction).toBeNull();
  });
});
