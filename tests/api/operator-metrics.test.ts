// /metrics over a real HTTP server, read by the official Prometheus client's parser: process and
// build figures, database up, disk free, stations by source and status, AtmoSud pull time; and
// still 200, with souffle_database_up 0, once the database is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { packageVersion } from '../../data/package-root.js';
import { setCursor } from '../../data/store/cursors.js';
import { insertReadings } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import { parseExposition, prometheusParserUnavailable, type Sample } from '../helpers/prometheus-parser.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { ADMIN_TOKEN, HOUR, NOW } from './fixtures.js';

const unavailable = prometheusParserUnavailable();
if (unavailable) console.warn(`operator-metrics: skipped, ${unavailable}`);

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe.skipIf(unavailable !== undefined)('GET /metrics for operators', () => {
  let t: TempDb;
  let server: ApiServer;

  beforeAll(async () => {
    t = await tempDb();
    for (const [id, source] of [
      ['balcon', 'citizen'],
      ['cave', 'citizen'],
      ['marseille-longchamp', 'atmosud'],
    ] as const) {
      await upsertStation(t.db, { id, source, name: id, lat: 43.3, lon: 5.4 });
    }
    const s = await ensureSeries(t.db, {
      stationId: 'balcon',
      phenomenon: 'pm25',
      sensor: 'sds011',
      unit: 'µg/m³',
    });
    await insertReadings(t.db, [{ seriesId: s, time: NOW - 10 * 60_000, value: 9 }]);
    const r = await ensureSeries(t.db, {
      stationId: 'marseille-longchamp',
      phenomenon: 'no2',
      sensor: 'reference',
      unit: 'µg/m³',
    });
    await insertReadings(t.db, [{ seriesId: r, time: NOW - 30 * HOUR, value: 20 }]);
    await setCursor(
      t.db,
      { source: 'atmosud', key: 'marseille-longchamp:no2', cursor: NOW - HOUR },
      NOW - 5 * 60_000,
    );
    const app = createApp({
      db: t.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'http://localhost',
      mqttUrl: 'mqtt://localhost',
      webDir: '/nonexistent-souffle-web',
      now: () => NOW,
      diskPath: t.dir,
    });
    server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it('parses as exposition text and holds the operator figures', async () => {
    await fetch(`http://127.0.0.1:${server.port}/api/v1/stations`);
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    const samples = parseExposition(await res.text());

    expect(value(samples, 'souffle_build_info', { version: packageVersion() })).toBe(1);
    expect(samples.find((s) => s.name === 'souffle_build_info')?.labels.node).toBe(process.versions.node);
    expect(value(samples, 'souffle_database_up')).toBe(1);
    expect(value(samples, 'souffle_stations', { source: 'citizen', status: 'online' })).toBe(1);
    expect(value(samples, 'souffle_stations', { source: 'citizen', status: 'never' })).toBe(1);
    expect(value(samples, 'souffle_stations', { source: 'atmosud', status: 'offline' })).toBe(1);
    expect(value(samples, 'souffle_atmosud_last_pull_timestamp_seconds')).toBe((NOW - 5 * 60_000) / 1000);
    expect(value(samples, 'souffle_disk_free_bytes', { path: t.dir })).toBeGreaterThan(0);
    expect(value(samples, 'souffle_disk_size_bytes', { path: t.dir })).toBeGreaterThanOrEqual(
      value(samples, 'souffle_disk_free_bytes', { path: t.dir })!,
    );
    expect(value(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value(samples, 'souffle_http_requests_total', { route: '/api/v1/stations', status: '200' })).toBe(
      1,
    );
  });

  it('shows the data folder’s disk in /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      disk: { ok: boolean; freeBytes: number; sizeBytes: number };
    };
    expect(body.disk.freeBytes).toBeGreaterThan(0);
    expect(body.disk.sizeBytes).toBeGreaterThanOrEqual(body.disk.freeBytes);
    // The verdict follows the 5 % rule on the figures it shows.
    expect(body.disk.ok).toBe(body.disk.freeBytes >= body.disk.sizeBytes * 0.05);
    expect(body.status).toBe(body.disk.ok ? 'ok' : 'degraded');
  });

  it('answers 200 with souffle_database_up 0 and the process figures when the database is down', async () => {
    await t.close();
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    const samples = parseExposition(await res.text());
    expect(value(samples, 'souffle_database_up')).toBe(0);
    expect(value(samples, 'souffle_stations')).toBeUndefined();
    expect(value(samples, 'souffle_db_size_bytes')).toBeUndefined();
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value(samples, 'souffle_disk_free_bytes', { path: t.dir })).toBeGreaterThan(0);
  });
});
