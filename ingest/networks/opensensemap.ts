// The openSenseMap importer (docs/ingest.md, "Imported networks"): every cycle lists the boxes of
// the configured area, stores each fixed box as a station "osem-<box id>" of source
// "opensensemap", and reads the measurements of its air-quality sensors since the last one stored
// (a cursor per sensor in pull_cursors), so that a pull after an outage fills the gap.
//
// Endpoints and shapes: the openSenseMap API (docs.opensensemap.org; sensebox/openSenseMap-API,
// lib/controllers/boxesController.js and measurementsController.js):
//   GET /boxes?bbox=<minLon>,<minLat>,<maxLon>,<maxLat>[&phenomenon=<title>&date=<from>,<to>]
//     → [{ _id, name, exposure: "outdoor"|"indoor"|"mobile", currentLocation: { type: "Point",
//          coordinates: [lon, lat, height?], timestamp }, sensors: [{ _id, title, unit,
//          sensorType, lastMeasurement: { value: "12.3", createdAt } | null }] }]
//     (older answers give the location as loc[0].geometry.coordinates instead)
//   GET /boxes/:boxId/data/:sensorId?from-date=<ISO>&to-date=<ISO>&format=json
//     → [{ value: "12.3", createdAt: "2024-01-15T12:00:00.000Z", location?: [lon, lat] }], newest first.
import { z } from 'zod';
import type { Db } from '../../data/db.js';
import { getCursor, setCursor } from '../../data/store/cursors.js';
import { createErrorLog, type ErrorLog } from '../atmosud/error-log.js';
import { createAtmosudClient, type AtmosudClient } from '../atmosud/http-client.js';
import type { AtmosudLogger } from '../atmosud/pull-context.js';
import { check, describeZodError, numeric } from '../atmosud/schemas.js';
import { inBbox, parseUtc, type Bbox } from './area.js';
import { storeImported, type ImportedStation, type ImportedValue } from './imported-store.js';
import {
  createNetworkPuller,
  describeImport,
  requestFailed,
  skip,
  type ImportSummary,
  type NetworkPuller,
} from './network-puller.js';
import { osemPhenomenon } from './opensensemap-phenomena.js';

export const OPENSENSEMAP_SOURCE = 'opensensemap';

export type OpenSenseMapOptions = {
  db: Db;
  /** OPENSENSEMAP_URL, e.g. https://api.opensensemap.org */
  baseUrl: string;
  /** OPENSENSEMAP_BBOX: [minLon, minLat, maxLon, maxLat]. */
  bbox: Bbox;
  /** OPENSENSEMAP_PHENOMENON: only boxes that measured it in the last day (a sensor title); empty: all. */
  phenomenon: string;
  /** OPENSENSEMAP_LOOKBACK: how far back a sensor never pulled starts (ms). */
  lookbackMs: number;
  intervalMs: number;
  timeoutMs: number;
  concurrency: number;
  logger: AtmosudLogger;
  fetch?: typeof fetch;
  /** The clock of the data (cursors, windows); tests set it. */
  now?: () => number;
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
};

const sensorSchema = z.object({
  _id: z.string().min(1),
  title: z.string(),
  unit: z.string().nullish(),
  sensorType: z.string().nullish(),
  lastMeasurement: z.object({ value: z.union([z.string(), z.number()]), createdAt: z.string() }).nullish(),
});

const point = z.tuple([numeric, numeric]).rest(z.unknown());

const boxSchema = z.object({
  _id: z.string().min(1),
  name: z.string().nullish(),
  exposure: z.string().nullish(),
  currentLocation: z.object({ coordinates: point }).nullish(),
  loc: z.array(z.object({ geometry: z.object({ coordinates: point }) })).nullish(),
  sensors: z.array(z.unknown()),
});

const measurementSchema = z.object({ value: z.union([z.string(), z.number()]), createdAt: z.string() });

type Box = z.output<typeof boxSchema>;
type Sensor = z.output<typeof sensorSchema>;

const ATTRIBUTION = 'openSenseMap contributors';
const LICENCE = 'ODbL-1.0';
const DAY_MS = 86_400_000;

export function createOpenSenseMapPuller(options: OpenSenseMapOptions): NetworkPuller {
  const now = options.now ?? Date.now;
  const client = createAtmosudClient({
    userAgent: 'Souffle-openSenseMap-importer (citizen air-quality platform)',
    ...options,
  });
  const errors = createErrorLog({ now, source: OPENSENSEMAP_SOURCE });
  const cache = new Map<string, number>();

  return createNetworkPuller({
    db: options.db,
    source: OPENSENSEMAP_SOURCE,
    label: 'openSenseMap',
    intervalMs: options.intervalMs,
    maxBackoffMs: options.maxBackoffMs,
    logger: options.logger,
    async cycle(signal, s) {
      const t = now();
      const query: Record<string, string> = { bbox: options.bbox.join(','), format: 'json' };
      if (options.phenomenon) {
        query.phenomenon = options.phenomenon;
        query.date = `${new Date(t - DAY_MS).toISOString()},${new Date(t).toISOString()}`;
      }
      let boxes: unknown[];
      let request: string;
      try {
        ({ data: boxes, request } = await client.getJson('/boxes', query, z.array(z.unknown()), signal));
      } catch (e) {
        const failed = requestFailed(e, errors);
        await errors.flush(options.db);
        return failed;
      }
      const failures: string[] = [];
      const ctx = { db: options.db, client, errors, cache, signal, now: t, summary: s, failures, options };
      const jobs: Promise<void>[] = [];
      boxes.forEach((raw, i) => {
        const parsed = check(boxSchema, raw);
        if (!parsed.success) {
          skip(s, 'malformed item');
          const reason = `box #${i} skipped: ${describeZodError(parsed.error)}`;
          errors.add({ request, reason, body: JSON.stringify(raw) });
          return;
        }
        const box = parsed.data;
        const station = toStation(box);
        if (box.exposure === 'mobile') return skip(s, 'mobile box');
        if (!station) {
          skip(s, 'malformed item');
          errors.add({ request, reason: `box ${box._id} skipped: no location`, body: JSON.stringify(raw) });
          return;
        }
        if (!inBbox(options.bbox, station.lat, station.lon)) return;
        jobs.push(pullBox(ctx, box, station, request));
      });
      await Promise.all(jobs);
      await errors.flush(options.db);
      if (signal.aborted) return { status: 'aborted', detail: 'stopped during the cycle' };
      const failed =
        failures.length > 0 ? `; ${failures.length} request(s) failed, first: ${failures[0]}` : '';
      const partial = failures.length > 0 || Object.keys(s.skipped).length > 0;
      return {
        status: partial ? 'partial' : 'ok',
        ...(failed ? { detail: `${describeImport(s)}${failed}` } : {}),
      };
    },
  });
}

type Ctx = {
  db: Db;
  client: AtmosudClient;
  errors: ErrorLog;
  cache: Map<string, number>;
  signal: AbortSignal;
  now: number;
  summary: ImportSummary;
  failures: string[];
  options: OpenSenseMapOptions;
};

/** Reads each air-quality sensor of the box since its cursor, then stores the box and its values. */
async function pullBox(ctx: Ctx, box: Box, station: ImportedStation, listRequest: string): Promise<void> {
  const s = ctx.summary;
  const values: ImportedValue[] = [];
  const cursors: Array<{ key: string; newest: number }> = [];
  for (const [j, raw] of box.sensors.entries()) {
    const parsed = check(sensorSchema, raw);
    if (!parsed.success) {
      skip(s, 'malformed item');
      const reason = `box ${box._id} sensor #${j} skipped: ${describeZodError(parsed.error)}`;
      ctx.errors.add({ request: listRequest, reason, body: JSON.stringify(raw) });
      continue;
    }
    const sensor = parsed.data;
    const phenomenon = osemPhenomenon(sensor.title, sensor.unit ?? '');
    if (!phenomenon) {
      skip(s, 'sensor not imported');
      continue;
    }
    const key = `${box._id}:${sensor._id}`;
    const cursor = (await getCursor(ctx.db, OPENSENSEMAP_SOURCE, key))?.cursor;
    const last = sensor.lastMeasurement ? parseUtc(sensor.lastMeasurement.createdAt) : null;
    // Nothing newer than what is stored: no request.
    if (cursor !== undefined && last !== null && last <= cursor) continue;
    const from = cursor !== undefined ? cursor + 1 : ctx.now - ctx.options.lookbackMs;
    const read = await readSensor(ctx, box, sensor, from);
    if (!read) continue;
    for (const m of read) {
      values.push({
        phenomenon: phenomenon.code,
        sensor: sensor.sensorType?.trim() || sensor.title,
        ...(phenomenon.unit ? { unit: phenomenon.unit } : {}),
        time: m.time,
        value: m.value,
      });
    }
    if (read.length > 0) cursors.push({ key, newest: Math.max(...read.map((m) => m.time)) });
  }
  if (ctx.signal.aborted) return;
  const stored = await storeImported(ctx.db, station, values, { cache: ctx.cache, now: Date.now() });
  s.stations += 1;
  if (stored.stationWritten) s.stationsWritten += 1;
  s.inserted += stored.inserted;
  s.unchanged += stored.unchanged;
  for (const reason of stored.rejected) {
    skip(s, 'value refused');
    ctx.errors.add({ request: listRequest, reason: `${station.id}: ${reason}` });
  }
  // Cursors move only once the values are stored: a crash before re-reads them next cycle.
  for (const { key, newest } of cursors) {
    await setCursor(ctx.db, { source: OPENSENSEMAP_SOURCE, key, cursor: newest }, Date.now());
  }
}

/** The sensor's measurements since `from`, parsed; a bad one is skipped with its reason. */
async function readSensor(
  ctx: Ctx,
  box: Box,
  sensor: Sensor,
  from: number,
): Promise<Array<{ time: number; value: number }> | null> {
  const path = `/boxes/${encodeURIComponent(box._id)}/data/${encodeURIComponent(sensor._id)}`;
  const query = {
    'from-date': new Date(from).toISOString(),
    'to-date': new Date(ctx.now).toISOString(),
    format: 'json',
  };
  let items: unknown[];
  let request: string;
  try {
    ({ data: items, request } = await ctx.client.getJson(path, query, z.array(z.unknown()), ctx.signal));
  } catch (e) {
    const failed = requestFailed(e, ctx.errors);
    if (failed.status !== 'aborted') ctx.failures.push(failed.detail);
    return null;
  }
  const out: Array<{ time: number; value: number }> = [];
  items.forEach((raw, i) => {
    const parsed = check(measurementSchema, raw);
    const time = parsed.success ? parseUtc(parsed.data.createdAt) : null;
    const value = parsed.success ? Number(parsed.data.value) : Number.NaN;
    if (!parsed.success || time === null || !Number.isFinite(value)) {
      skip(ctx.summary, 'malformed item');
      const why = parsed.success ? `createdAt or value unreadable` : describeZodError(parsed.error);
      ctx.errors.add({ request, reason: `measurement #${i} skipped: ${why}`, body: JSON.stringify(raw) });
      return;
    }
    out.push({ time, value });
  });
  return out;
}

function toStation(box: Box): ImportedStation | null {
  const coordinates = box.currentLocation?.coordinates ?? box.loc?.[0]?.geometry.coordinates;
  if (!coordinates) return null;
  const [lon, lat] = coordinates;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return {
    id: `osem-${box._id}`,
    source: OPENSENSEMAP_SOURCE,
    name: box.name?.trim() || `openSenseMap ${box._id}`,
    lat,
    lon,
    exposure: box.exposure === 'indoor' ? 'indoor' : 'outdoor',
    attribution: ATTRIBUTION,
    licence: LICENCE,
  };
}
