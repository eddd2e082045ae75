// A real database with a few stations and readings, and the app over it, for the API tests.
import { createApp, type AppOptions } from '../../api/app.js';
import { createDevice } from '../../data/store/devices.js';
import { insertReadings } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import type { Db } from '../../data/db.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** "Now" in every API test: 10 March 2026, 20:30 UTC (so today has 21 complete hours). */
export const NOW = Date.UTC(2026, 2, 10, 20, 30);
export const TODAY = Date.UTC(2026, 2, 10);
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export type Fixture = {
  handle: TempDb;
  db: Db;
  app: ReturnType<typeof createApp>;
  cleanup: () => Promise<void>;
};

export async function fixture(options: Partial<AppOptions> = {}): Promise<Fixture> {
  const handle = await tempDb();
  const app = createApp({
    db: handle.db,
    adminToken: ADMIN_TOKEN,
    publicUrl: 'https://souffle.example.org',
    mqttUrl: 'mqtt://souffle.example.org:1883',
    now: () => NOW,
    webDir: '/nonexistent-souffle-web',
    ...options,
  });
  return { handle, db: handle.db, app, cleanup: () => handle.cleanup() };
}

export async function citizen(
  db: Db,
  input: {
    id: string;
    lat: number;
    lon: number;
    name?: string;
    format?: 'native' | 'airgradient' | 'airrohr';
    exactLocation?: boolean;
  },
) {
  return createDevice(db, { name: input.name ?? input.id, ...input }, NOW - 30 * DAY);
}

export async function reference(
  db: Db,
  input: { id: string; lat: number; lon: number; name?: string; commune?: string },
) {
  await upsertStation(
    db,
    {
      id: input.id,
      source: 'atmosud',
      name: input.name ?? input.id,
      lat: input.lat,
      lon: input.lon,
      commune: input.commune ?? '13055',
      address: 'Boulevard de test',
      attribution: 'AtmoSud',
      licence: 'ODbL-1.0',
    },
    NOW - 30 * DAY,
  );
}

export type Point = { t: number; value: number; flags?: number; validation?: string | null };

/** Stores readings (rollups included) for one series and returns its id. */
export async function readings(
  db: Db,
  stationId: string,
  phenomenon: string,
  points: readonly Point[],
  /**
   * covers: ms each value is a mean over. Default: the rest of its hour, so that one value an hour
   * (hourly()) stands for a valid hourly mean, as the index tests mean it; 0 for instantaneous
   * readings, whose hours are then valid only when 45 minutes of them are covered.
   */
  options: { sensor?: string; unit?: string; covers?: number } = {},
): Promise<number> {
  const covers = options.covers ?? HOUR;
  const seriesId = await ensureSeries(db, {
    stationId,
    phenomenon,
    sensor: options.sensor ?? 'SDS011',
    unit: options.unit ?? 'µg/m³',
    covers,
  });
  await insertReadings(
    db,
    points.map((p) => ({
      seriesId,
      time: p.t,
      value: p.value,
      flags: p.flags,
      validation: p.validation,
      covers,
    })),
  );
  return seriesId;
}

/** One value per hour, at hh:10, from `from` for `hours` hours. */
export function hourly(from: number, hours: number, value: number | ((i: number) => number)): Point[] {
  return Array.from({ length: hours }, (_, i) => ({
    t: from + i * HOUR + 10 * 60_000,
    value: typeof value === 'number' ? value : value(i),
  }));
}

export async function json<T = unknown>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
