// API: latency of /latest and of a one-year hourly /series on 1 000 stations with a year of hourly
// data, beside a bare Hono route returning a constant on the same server and client; and the
// export's rows/s through `souffle api` (a real process, whose peak RSS is read from /proc) beside
// a bare better-sqlite3 iteration of the same rows.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Hono } from 'hono';
import { createApp, startApiServer } from '../api/index.js';
import { openDatabase } from '../data/index.js';
import { result, type BenchContext, type BenchResult, type BenchSuite } from './bench-types.js';

const STATIONS = 1000;
const HOUR = 3_600_000;
const YEAR_HOURS = 365 * 24;
const RAW_DAYS = 7; // raw PM2.5 every 10 minutes: 1 008 rows per station, ~1 M rows to export
const LATEST_REQUESTS = 2000;
const SERIES_REQUESTS = 60;
const LIST_REQUESTS = 10;

/** Seeds with raw prepared statements in one transaction (the store's per-message path would take hours). */
function seed(sqlite: BetterSqlite3.Database, now: number): { exportRows: number } {
  const hourNow = Math.floor(now / HOUR) * HOUR;
  const station = sqlite.prepare(
    `insert into stations (id, source, name, lat, lon, public_lat, public_lon, exact_location, created_at, updated_at)
     values (?, 'citizen', ?, ?, ?, ?, ?, 0, 0, 0)`,
  );
  const series = sqlite.prepare(
    'insert into series (station_id, phenomenon, sensor, unit) values (?, ?, ?, ?)',
  );
  // Six values an hour, every 10 minutes: slots 0, 2, 4, 6, 8, 10 (data/hourly-validity.ts).
  const hourly = sqlite.prepare(
    `insert into rollups_hourly (series_id, bucket, n, sum, min, max, sum_sq, slots, n_flagged, n_humid)
     values (?, ?, ?, ?, ?, ?, ?, ${0b010101010101}, 0, 0)`,
  );
  const reading = sqlite.prepare(
    'insert into readings (series_id, time, value, flags, validation) values (?, ?, ?, ?, null)',
  );
  let exportRows = 0;
  sqlite.transaction(() => {
    for (let s = 0; s < STATIONS; s++) {
      const id = `st-${String(s).padStart(4, '0')}`;
      const lat = 43.2 + (s % 40) * 0.005;
      const lon = 5.3 + Math.floor(s / 40) * 0.005;
      station.run(id, `Station ${s}`, lat, lon, lat, lon);
      const ids: Record<string, number> = {};
      for (const [p, sensor, unit] of [
        ['pm25', 'SDS011', 'µg/m³'],
        ['pm10', 'SDS011', 'µg/m³'],
        ['temperature', 'BME280', '°C'],
        ['humidity', 'BME280', '%'],
      ] as const) {
        ids[p] = Number(series.run(id, p, sensor, unit).lastInsertRowid);
      }
      // A year of hourly PM2.5 (six values an hour); daily values are computed from these on read.
      for (let h = YEAR_HOURS - 1; h >= 0; h--) {
        const v = 8 + ((s + h) % 17);
        hourly.run(ids.pm25, hourNow - h * HOUR, 6, 6 * v, v - 2, v + 2, 6 * v * v + 8);
      }
      for (let h = 35; h >= 0; h--) hourly.run(ids.pm10, hourNow - h * HOUR, 6, 6 * 20, 18, 22, 6 * 400 + 8);
      // Raw PM2.5 every 10 minutes for a week (the export), and one recent value per other series.
      for (let i = RAW_DAYS * 144; i > 0; i--) {
        reading.run(ids.pm25, now - i * 600_000, 8 + ((s + i) % 23), i % 50 === 0 ? 1 : 0);
        exportRows += 1;
      }
      for (const p of ['pm10', 'temperature', 'humidity'] as const) reading.run(ids[p], now - 300_000, 20, 0);
    }
  })();
  return { exportRows };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One GET on a kept-alive connection; resolves with the milliseconds until the body's end. */
function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ ms: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ ms: performance.now() - started, bytes, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function latencies(ctx: BenchContext, dbPath: string): Promise<BenchResult[]> {
  const handle = await openDatabase(dbPath, { migrate: false });
  const app = createApp({
    db: handle.db,
    adminToken: 'bench',
    publicUrl: 'http://localhost',
    mqttUrl: 'mqtt://localhost',
  });
  // The bare route: same server, same client, no middleware, a constant answer.
  const root = new Hono();
  root.get('/bare', (c) => c.json({ ok: true, station: 'st-0000' }));
  root.all('*', (c) => app.fetch(c.req.raw));
  const server = await startApiServer({ app: root, port: 0, host: '127.0.0.1' });
  const browser = { 'Accept-Encoding': 'gzip' };
  const now = Date.now();
  const pick = (i: number) => `st-${String((i * 7919) % STATIONS).padStart(4, '0')}`;
  try {
    for (let i = 0; i < 200; i++) {
      await get(server.port, '/bare', browser);
      await get(server.port, `/api/v1/stations/${pick(i)}/latest`, browser);
    }
    ctx.log(`api: ${LATEST_REQUESTS} × /latest and /bare, interleaved`);
    const bare: number[] = [];
    const latest: number[] = [];
    for (let i = 0; i < LATEST_REQUESTS; i++) {
      bare.push((await get(server.port, '/bare', browser)).ms);
      const r = await get(server.port, `/api/v1/stations/${pick(i + 1000)}/latest`, browser);
      if (r.status !== 200) throw new Error(`/latest answered ${r.status}`);
      latest.push(r.ms);
    }
    ctx.log(`api: ${SERIES_REQUESTS} × one-year hourly /series`);
    const series: number[] = [];
    let seriesBytes = 0;
    const from = new Date(now - 365 * 86_400_000).toISOString();
    for (let i = 0; i < SERIES_REQUESTS; i++) {
      const r = await get(
        server.port,
        `/api/v1/stations/${pick(i)}/series?phenomenon=pm25&step=1h&from=${from}`,
        browser,
      );
      if (r.status !== 200) throw new Error(`/series answered ${r.status}`);
      series.push(r.ms);
      seriesBytes = r.bytes;
    }
    // The station list with every station's current ATMO index (what the map and the dashboard
    // ask), beside the one request per station they made before `index=`.
    ctx.log(`api: ${LIST_REQUESTS} × /stations?index=atmo, and ${STATIONS} × /index one by one`);
    const list: number[] = [];
    for (let i = 0; i < LIST_REQUESTS; i++) {
      const r = await get(server.port, '/api/v1/stations?index=atmo', browser);
      if (r.status !== 200) throw new Error(`/stations?index=atmo answered ${r.status}`);
      list.push(r.ms);
    }
    let oneByOne = 0;
    for (let i = 0; i < STATIONS; i++) {
      oneByOne += (await get(server.port, `/api/v1/stations/${pick(i)}/index?scheme=atmo`, browser)).ms;
    }
    for (const l of [bare, latest, series, list]) l.sort((a, b) => a - b);
    const fig = (name: string, list: number[], p: number, target: number | null, note: string) =>
      result({
        name,
        value: percentile(list, p),
        unit: 'ms',
        baseline: percentile(bare, p),
        target,
        higherIsBetter: false,
        note,
      });
    return [
      fig(
        'api /latest p50',
        latest,
        0.5,
        null,
        `station, latest values, ATMO/EAQI/US AQI; baseline: bare Hono route on the same server; run at ${new Date(now).toISOString().slice(11, 16)} UTC (before 18:00 in Paris, when today has 75 % of its hours, the current ATMO index is yesterday's)`,
      ),
      fig('api /latest p95', latest, 0.95, 3, 'gzip, ETag; 1 000 stations with a year of hourly data'),
      fig(
        'api /series 1 year hourly p50',
        series,
        0.5,
        null,
        `8 760 points, ${Math.round(seriesBytes / 1024)} KiB gzipped`,
      ),
      fig('api /series 1 year hourly p95', series, 0.95, null, 'baseline: the bare route (no target)'),
      result({
        name: 'api /stations?index=atmo (1 000 stations) p50',
        value: percentile(list, 0.5),
        unit: 'ms',
        higherIsBetter: false,
        note: `every station with its current ATMO index in one request; ${STATIONS} × /index one by one took ${Math.round(oneByOne)} ms in all`,
      }),
    ];
  } finally {
    await server.close();
    await handle.close();
  }
}

/** `souffle api` in its own process; the export's rows/s and the process's peak RSS. */
async function exportThroughApi(
  ctx: BenchContext,
  dbPath: string,
  rows: number,
): Promise<{ rowsPerSecond: number; peakMb: number; beforeMb: number }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const bin = join(import.meta.dirname, '..', 'bin', 'souffle.mjs');
  const child = spawn(process.execPath, [bin, 'api'], {
    env: {
      ...process.env,
      SOUFFLE_DB: dbPath,
      PORT: String(port),
      HOST: '127.0.0.1',
      SOUFFLE_ADMIN_TOKEN: 'bench',
      SOUFFLE_MQTT_PORT: String(port + 1),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const status = (field: string) =>
    Number(
      new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0,
    ) / 1024;
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('listening')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`souffle api exited with ${code}`)));
    });
    await get(port, '/healthz');
    const beforeMb = status('VmRSS');
    ctx.log(`api: export of ${rows.toLocaleString('en-GB')} rows through souffle api (pid ${child.pid})`);
    const started = performance.now();
    const r = await get(port, '/api/v1/export?format=csv&phenomenon=pm25&step=raw', {
      'Accept-Encoding': 'identity',
    });
    const seconds = (performance.now() - started) / 1000;
    if (r.status !== 200) throw new Error(`/export answered ${r.status}`);
    return { rowsPerSecond: rows / seconds, peakMb: status('VmHWM'), beforeMb };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

function bareIteration(dbPath: string): number {
  const raw = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const stmt = raw.prepare(
      `select s.station_id, r.time, r.value, r.flags, r.validation from readings r
       join series s on s.id = r.series_id where s.phenomenon = 'pm25' order by r.series_id, r.time`,
    );
    const started = performance.now();
    let n = 0;
    for (const _row of stmt.iterate()) n += 1;
    return n / ((performance.now() - started) / 1000);
  } finally {
    raw.close();
  }
}

export const apiSuite: BenchSuite = {
  name: 'api',
  async run(ctx) {
    const dbPath = join(ctx.dir, 'api.db');
    const handle = await openDatabase(dbPath);
    ctx.log(
      `api: seeding ${STATIONS} stations × a year of hourly PM2.5 (${(STATIONS * YEAR_HOURS).toLocaleString('en-GB')} rollups)`,
    );
    const started = performance.now();
    const { exportRows } = seed(handle.sqlite, Date.now());
    handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await handle.close();
    ctx.log(`api: seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const figures = await latencies(ctx, dbPath);
    const bare = bareIteration(dbPath);
    const exported = await exportThroughApi(ctx, dbPath, exportRows);
    agent.destroy();
    return [
      ...figures,
      result({
        name: 'api export (rows/s, CSV over HTTP)',
        value: exported.rowsPerSecond,
        unit: 'rows/s',
        baseline: bare,
        target: 0.5,
        higherIsBetter: true,
        note: `${exportRows.toLocaleString('en-GB')} raw rows through \`souffle api\`; baseline: bare better-sqlite3 iteration of the same rows`,
      }),
      result({
        name: 'api souffle api RSS, idle',
        value: exported.beforeMb,
        unit: 'MB',
        higherIsBetter: false,
        note: 'VmRSS after start and one /healthz: Node 20 alone ~42 MB; tsx, which runs the TypeScript sources, ~50 MB (the same process from tsc-compiled JavaScript: ~105–110 MB idle); docs/api.md',
      }),
      result({
        name: 'api export peak RSS (souffle api process)',
        value: exported.peakMb,
        unit: 'MB',
        target: 150,
        higherIsBetter: false,
        note: 'VmHWM of the server process, start-up included: under tsx the process starts above 150 MB; from compiled JavaScript the same export peaks at ~135 MB',
      }),
      result({
        name: 'api export RSS growth during the export',
        value: exported.peakMb - exported.beforeMb,
        unit: 'MB',
        higherIsBetter: false,
        note: 'peak minus the RSS just before; bounded whatever the export size (tests/api/export-memory.test.ts)',
      }),
    ];
  },
};
