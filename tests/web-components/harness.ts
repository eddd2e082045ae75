// What the browser tests share: a real Souffle server (createApp + startApiServer) over a temp
// SQLite database seeded with a small, known fleet; a second "school" web server on another port;
// and a real headless Chromium. Times are pinned (app `now` and the page clock) so that indices,
// statuses and charts are deterministic whatever the hour the tests run.
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../api/app.js';
import { startApiServer } from '../../api/server.js';
import { insertReadings, type NewReading } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const OUTPUT = resolve(ROOT, 'test-output');
const H = 3_600_000;

/** The instant the tests live at: 21:30 UTC, so that today's ATMO index has its 18 hours. */
export const NOW = Date.UTC(2026, 2, 10, 21, 30);

/** The seeded fleet and the indices it must show (reasoned from the reference tables). */
export const FLEET = {
  official: { id: 'FR24038', name: 'Marseille Longchamp' }, // NO2 peaks at 95 → ATMO 3 Dégradé
  school: { id: 'ecole-saint-charles', name: 'École Saint-Charles' }, // PM2.5 ≈ 12 → ATMO 2 Moyen
  offline: { id: 'jardin-des-plantes', name: 'Jardin des Plantes' }, // silent for 3 days
  never: { id: 'college-belle-de-mai', name: 'Collège Belle de Mai' }, // no reading yet
} as const;

const wave = (t: number, mean: number, amplitude: number) =>
  mean + amplitude * Math.sin((2 * Math.PI * new Date(t).getUTCHours()) / 24);

/** When the seeded fleet lives: `now` (default NOW); AtmoSud's hourly means `referenceDelayHours`
 * behind it, as they are in reality (published one to two hours after the hour), default 0. */
export type SeedOptions = {
  now?: number;
  referenceDelayHours?: number;
  /** More stations and readings a test needs beside the fleet, written into the same database. */
  more?: (db: TempDb['db']) => Promise<void>;
  /** No fleet at all: the platform as a fresh `npm start` shows it before any data arrives. */
  empty?: boolean;
  /** Called with the seeded database before the app starts: the folder it returns is served at /archive/. */
  archive?: (db: TempDb['db']) => Promise<string>;
};

async function seed(handle: TempDb, options: SeedOptions = {}): Promise<void> {
  const db = handle.db;
  const now = options.now ?? NOW;
  await upsertStation(db, {
    id: FLEET.official.id,
    source: 'atmosud',
    name: FLEET.official.name,
    lat: 43.3061,
    lon: 5.3955,
    // As an earlier AtmoSud puller stored it: the department, which the widgets must not show.
    commune: '13',
    address: 'Boulevard Jardin Zoologique',
    pollutants: ['no2', 'o3', 'pm10', 'pm25'],
    attribution: 'AtmoSud',
    licence: 'ODbL',
  });
  await upsertStation(db, {
    id: FLEET.school.id,
    source: 'citizen',
    name: FLEET.school.name,
    lat: 43.3045,
    lon: 5.3801,
  });
  await upsertStation(db, {
    id: FLEET.offline.id,
    source: 'citizen',
    name: FLEET.offline.name,
    lat: 43.3189,
    lon: 5.4089,
  });
  await upsertStation(db, {
    id: FLEET.never.id,
    source: 'citizen',
    name: FLEET.never.name,
    lat: 43.3125,
    lon: 5.3902,
  });

  // AtmoSud's values are hourly means covering their hour (ingest/atmosud/measures.ts).
  const covers = (sensor: string) => (sensor === 'reference' ? H : 0);
  const series = async (stationId: string, phenomenon: string, sensor: string, unit: string) =>
    ensureSeries(db, { stationId, phenomenon, sensor, unit, covers: covers(sensor) }).then((id) => {
      coversOf.set(id, covers(sensor));
      return id;
    });
  const coversOf = new Map<number, number>();
  const rows: NewReading[] = [];
  const hourly = (
    seriesId: number,
    from: number,
    to: number,
    value: (t: number) => number,
    validation?: string,
  ) => {
    for (let t = from; t <= to; t += H) {
      const v = Math.round(value(t) * 10) / 10;
      if (coversOf.get(seriesId)) {
        rows.push({ seriesId, time: t, value: v, validation, covers: H });
        continue;
      }
      // A citizen sensor reports every 5 minutes, so its past hours are valid hourly means
      // (docs/methods.md); the hour in progress has its first reading only.
      for (let m = 0; m < (t === to ? 1 : 12); m++) rows.push({ seriesId, time: t + m * 300_000, value: v });
    }
  };
  const lastHour = Math.floor(now / H) * H;
  const start = lastHour - 9 * 24 * H;
  const o = FLEET.official.id;
  const lastMean = lastHour - (options.referenceDelayHours ?? 0) * H;
  hourly(
    await series(o, 'no2', 'reference', 'µg/m³'),
    start,
    lastMean,
    (t) => wave(t, 70, 25),
    'provisional',
  );
  hourly(await series(o, 'o3', 'reference', 'µg/m³'), start, lastMean, (t) => wave(t, 55, 10), 'provisional');
  hourly(await series(o, 'pm10', 'reference', 'µg/m³'), start, lastMean, () => 15, 'provisional');
  hourly(await series(o, 'pm25', 'reference', 'µg/m³'), start, lastMean, (t) => wave(t, 8, 2), 'provisional');
  const s = FLEET.school.id;
  hourly(await series(s, 'pm25', 'SDS011', 'µg/m³'), start, lastHour, (t) => wave(t, 12, 3));
  hourly(await series(s, 'pm10', 'SDS011', 'µg/m³'), start, lastHour, () => 18);
  hourly(await series(s, 'temperature', 'BME280', '°C'), start, lastHour, (t) => wave(t, 14, 4));
  hourly(await series(s, 'humidity', 'BME280', '%'), start, lastHour, () => 61);
  const off = FLEET.offline.id;
  hourly(await series(off, 'pm25', 'SDS011', 'µg/m³'), start, lastHour - 3 * 24 * H, () => 30);
  await insertReadings(db, rows);
  await options.more?.(db);
}

export type Souffle = { url: string; port: number; close: () => Promise<void> };

/** A real Souffle server over a seeded temp database, serving the built dist/web. */
export async function startSouffle(options: SeedOptions = {}): Promise<Souffle> {
  const handle = await tempDb();
  if (!options.empty) await seed(handle, options);
  const now = options.now ?? NOW;
  const archiveDir = options.archive ? await options.archive(handle.db) : undefined;
  const app = createApp({
    db: handle.db,
    archiveDir,
    adminToken: 'test-admin-token',
    publicUrl: 'http://127.0.0.1',
    mqttUrl: 'mqtt://127.0.0.1:1',
    webDir: resolve(ROOT, 'dist/web'),
    now: () => now,
  });
  const server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    port: server.port,
    close: async () => {
      await server.close();
      await handle.cleanup();
    },
  };
}

export type SchoolSite = {
  url: string;
  setPage: (path: string, html: string) => void;
  close: () => Promise<void>;
};

/** A school's website on another origin: serves whatever HTML the test gives it. */
export async function startSchoolSite(): Promise<SchoolSite> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const body = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setPage: (path, html) => pages.set(path, html),
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A page living from NOW on in Paris, that records the requests it makes and the errors it throws. */
export async function newPage(browser: Browser, viewport = { width: 1100, height: 800 }, now = NOW) {
  const context = await browser.newContext({ viewport, timezoneId: 'Europe/Paris', locale: 'fr-FR' });
  const page = await context.newPage();
  // Time starts at `now` and flows (Leaflet's pan and zoom animations measure elapsed Date time).
  await page.clock.install({ time: now });
  await page.clock.resume();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, context, requests, errors };
}

/** Saves a screenshot under test-output/ (git-ignored), to look at. */
export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = resolve(OUTPUT, `${name}.png`);
  if (selector) await page.locator(selector).first().screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

/** A school page with the two-line snippet (plus whatever else the test needs). */
export function schoolPage(souffleUrl: string, body: string, lang = 'fr'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>École</title>
<style>body{font-family:'Liberation Serif',serif;margin:24px;background:#fbfaf7} souffle-index,souffle-card{margin:8px}</style>
<script type="module" src="${souffleUrl}/widgets/souffle.js"></script></head>
<body><h1>Notre air</h1>${body}</body></html>`;
}

/** Text inside the shadow root of the first element matching `selector`, whitespace folded. */
export const shadowText = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim());
