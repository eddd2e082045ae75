// The Sensor.Community importer (docs/ingest.md, "Imported networks"): every cycle reads the
// network's data API for the configured area and stores each kit as a station "sc-<location id>"
// of source "sensor.community" (ODbL, "Sensor.Community contributors"), its PM, temperature,
// humidity, pressure and noise values as readings at the kit's own timestamps.
//
// Endpoints and shapes: opendata-stuttgart/meta wiki, "EN-APIs" (data.sensor.community):
//   /airrohr/v1/filter/area=<lat>,<lon>,<km>  every measurement of the last 5 minutes in a circle;
//   /static/v2/data.1h.json                   each sensor's mean of the last hour, worldwide.
// Both answer a JSON array of items
//   { id, timestamp: "2024-01-15 12:00:00" (UTC), location: { id, latitude: "43.296",
//     longitude: "5.370", indoor: 0|1, … }, sensor: { id, sensor_type: { name: "SDS011", … } },
//     sensordatavalues: [{ value_type: "P1", value: "12.30" }, …] }.
// The API serves only recent values, so the import is incremental by construction: each cycle
// reads the newest ones, and a value already stored is a no-op (keyed by series and time).
import { z } from 'zod';
import type { Db } from '../../data/db.js';
import { setCursor } from '../../data/store/cursors.js';
import { AIRROHR_MEASURES } from '../../data/decoders/airrohr.js';
import { createErrorLog } from '../atmosud/error-log.js';
import { createAtmosudClient } from '../atmosud/http-client.js';
import type { AtmosudLogger } from '../atmosud/pull-context.js';
import { check, describeZodError, numeric } from '../atmosud/schemas.js';
import { storeImported, type ImportedStation, type ImportedValue } from './imported-store.js';
import { bboxCircle, inBbox, parseUtc, type Bbox } from './area.js';
import { createNetworkPuller, requestFailed, skip, type NetworkPuller } from './network-puller.js';

export const SENSOR_COMMUNITY_SOURCE = 'sensor.community';

export type SensorCommunityOptions = {
  db: Db;
  /** SENSOR_COMMUNITY_URL, e.g. https://data.sensor.community */
  baseUrl: string;
  /** SENSOR_COMMUNITY_BBOX: [minLon, minLat, maxLon, maxLat]. */
  bbox: Bbox;
  /** SENSOR_COMMUNITY_FEED: the area filter (last 5 minutes) or the hourly means (v2 data.1h.json). */
  feed: 'area' | '1h';
  intervalMs: number;
  timeoutMs: number;
  logger: AtmosudLogger;
  fetch?: typeof fetch;
  /** Retry tuning, mostly for tests. */
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
};

const itemSchema = z.object({
  timestamp: z.string(),
  location: z.object({
    id: z.number().int(),
    latitude: numeric,
    longitude: numeric,
    indoor: z.union([z.number(), z.string(), z.boolean()]).nullish(),
  }),
  sensor: z.object({ id: z.number().int(), sensor_type: z.object({ name: z.string().min(1) }) }),
  sensordatavalues: z.array(
    z.object({ value_type: z.string(), value: z.union([z.string(), z.number()]).nullable() }),
  ),
});

type Item = z.output<typeof itemSchema>;

const ATTRIBUTION = 'Sensor.Community contributors';
const LICENCE = 'ODbL-1.0';

export function createSensorCommunityPuller(options: SensorCommunityOptions): NetworkPuller {
  const client = createAtmosudClient({
    concurrency: 1,
    userAgent: 'Souffle-Sensor.Community-importer (citizen air-quality platform)',
    ...options,
  });
  const errors = createErrorLog({ now: Date.now, source: SENSOR_COMMUNITY_SOURCE });
  const cache = new Map<string, number>();
  // Sensors recorded (pull_cursors "sensor:<id>") by this process, for `souffle backfill sensor-community`.
  const recorded = new Set<number>();
  const [lat, lon, km] = bboxCircle(options.bbox);
  const path =
    options.feed === '1h'
      ? '/static/v2/data.1h.json'
      : `/airrohr/v1/filter/area=${lat.toFixed(4)},${lon.toFixed(4)},${km}`;

  return createNetworkPuller({
    db: options.db,
    source: SENSOR_COMMUNITY_SOURCE,
    label: 'Sensor.Community',
    intervalMs: options.intervalMs,
    maxBackoffMs: options.maxBackoffMs,
    logger: options.logger,
    async cycle(signal, s) {
      let items: unknown[];
      let request: string;
      try {
        ({ data: items, request } = await client.getJson(path, {}, z.array(z.unknown()), signal));
      } catch (e) {
        const failed = requestFailed(e, errors);
        await errors.flush(options.db);
        return failed;
      }
      const stations = new Map<string, { station: ImportedStation; values: ImportedValue[] }>();
      const seen = new Map<number, { type: string; time: number }>();
      items.forEach((raw, i) => {
        const parsed = check(itemSchema, raw);
        if (!parsed.success) {
          skip(s, 'malformed item');
          errors.add({
            request,
            reason: `item #${i} skipped: ${describeZodError(parsed.error)}`,
            body: JSON.stringify(raw),
          });
          return;
        }
        const item = parsed.data;
        const time = parseUtc(item.timestamp);
        if (time === null) {
          skip(s, 'malformed item');
          errors.add({
            request,
            reason: `item #${i} skipped: timestamp "${item.timestamp}" is not a time`,
            body: JSON.stringify(raw),
          });
          return;
        }
        const { latitude, longitude } = item.location;
        if (!inBbox(options.bbox, latitude, longitude)) return; // the circle is wider than the area
        const id = `sc-${item.location.id}`;
        let entry = stations.get(id);
        if (!entry) {
          entry = { station: toStation(item), values: [] };
          stations.set(id, entry);
        }
        entry.values.push(...toValues(item, time, (reason) => skip(s, reason)));
        if (!recorded.has(item.sensor.id))
          seen.set(item.sensor.id, { type: item.sensor.sensor_type.name, time });
      });
      for (const [id, { type, time }] of seen) {
        const state = { type, location: null };
        await setCursor(options.db, {
          source: SENSOR_COMMUNITY_SOURCE,
          key: `sensor:${id}`,
          cursor: time,
          state,
        });
        recorded.add(id);
      }
      for (const { station, values } of stations.values()) {
        if (signal.aborted) break;
        const stored = await storeImported(options.db, station, values, { cache, now: Date.now() });
        s.stations += 1;
        if (stored.stationWritten) s.stationsWritten += 1;
        s.inserted += stored.inserted;
        s.unchanged += stored.unchanged;
        for (const reason of stored.rejected) {
          skip(s, 'value refused');
          errors.add({ request, reason: `${station.id}: ${reason}` });
        }
      }
      await errors.flush(options.db);
      if (signal.aborted) return { status: 'aborted', detail: 'stopped during the cycle' };
      return { status: Object.keys(s.skipped).length > 0 ? 'partial' : 'ok' };
    },
  });
}

function toStation(item: Item): ImportedStation {
  const indoor = item.location.indoor;
  const { id, latitude, longitude } = item.location;
  return scStation(id, latitude, longitude, indoor === 1 || indoor === '1' || indoor === true);
}

/** The station of a Sensor.Community location (the live API and the archive agree on it). */
export function scStation(location: number, lat: number, lon: number, indoor: boolean): ImportedStation {
  return {
    id: `sc-${location}`,
    source: SENSOR_COMMUNITY_SOURCE,
    name: `Sensor.Community ${location}`,
    lat,
    lon,
    exposure: indoor ? 'indoor' : 'outdoor',
    attribution: ATTRIBUTION,
    licence: LICENCE,
  };
}

/** The sensors the live importer has seen (id and type), whose archive a backfill reads by default. */
export async function knownSensors(db: Db): Promise<Array<{ id: number; type: string }>> {
  const rows = await db
    .selectFrom('pull_cursors')
    .select(['key', 'state'])
    .where('source', '=', SENSOR_COMMUNITY_SOURCE)
    .where('key', 'like', 'sensor:%')
    .orderBy('key')
    .execute();
  return rows.flatMap((r) => {
    const id = Number(r.key.slice('sensor:'.length));
    const type = r.state ? (JSON.parse(r.state) as { type?: unknown }).type : undefined;
    return Number.isInteger(id) && typeof type === 'string' ? [{ id, type }] : [];
  });
}

/** The item's values Souffle stores, by the same value-type table as the kit's own pushes. */
function toValues(item: Item, time: number, skipped: (reason: string) => void): ImportedValue[] {
  const values: ImportedValue[] = [];
  for (const { value_type, value } of item.sensordatavalues) {
    const measure = AIRROHR_MEASURES[value_type];
    if (!measure) {
      skipped('value type not imported');
      continue;
    }
    const n = typeof value === 'number' ? value : value === null ? Number.NaN : Number(value.trim() || 'x');
    if (!Number.isFinite(n)) {
      skipped('value not a number');
      continue;
    }
    values.push({
      phenomenon: measure.phenomenon,
      sensor: item.sensor.sensor_type.name,
      ...(measure.unit ? { unit: measure.unit } : {}),
      time,
      value: n,
    });
  }
  return values;
}
