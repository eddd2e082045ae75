// Writes the readings of decoded messages in one transaction through the store's write path
// (data/store/readings.ts): rows and rollups, keyed by series and time (a redelivery is a no-op,
// a corrected value replaces the stored one), and the devices' last-seen times. The worker acknowledges a message only after the transaction that holds it has
// committed. Rejections are not written here: the worker records them once the batch is stored.
import type { Db } from '../data/db.js';
import { addIgnoredTypes, insertTrackPoints, type TrackPoint } from '../data/store/device-extras.js';
import { refreshCurrentIndices } from '../data/store/current-indices.js';
import { addReadingFlags } from '../data/store/reading-flags.js';
import { insertReadings, type NewReading } from '../data/store/readings.js';
import { ensureSeries, seriesCacheKey, type SeriesCache } from '../data/store/series.js';
import type { DecodedMessage } from './decode-message.js';

/**
 * Values newly stored, values already stored as sent (a redelivered message), and stored values
 * replaced by a different value for the same time (a correction), across the batch.
 */
export type StoredOutcome = { inserted: number; duplicates: number; replaced: number };

/**
 * Per device, the ignored value types already stored: each message of an AirGradient carries
 * some, and this keeps the database from being read for them on every message.
 */
export type IgnoredTypesCache = Map<string, Set<string>>;

export async function storeMessages(
  db: Db,
  messages: readonly DecodedMessage[],
  series: SeriesCache,
  ignoredSeen: IgnoredTypesCache = new Map(),
  options: { timeZone?: string } = {},
): Promise<StoredOutcome> {
  const ignoredNow = new Map<string, string[]>();
  const outcome = await db.transaction().execute(async (trx) => {
    const rows: NewReading[] = [];
    const lastSeen = new Map<string, number>();
    for (const { device, readings, message } of messages) {
      if (!device || readings.length === 0) continue;
      const stationId = device.station_id;
      for (const r of readings) {
        // Reading the cache first saves an awaited promise per value on the hot path; a miss
        // falls through to ensureSeries, which fills it.
        const seriesId =
          series.get(seriesCacheKey(stationId, r.phenomenon, r.sensor)) ??
          (await ensureSeries(
            trx,
            { stationId, phenomenon: r.phenomenon, sensor: r.sensor, unit: r.unit },
            series,
          ));
        rows.push({ seriesId, time: r.time, value: r.value, flags: r.flags });
      }
      lastSeen.set(device.id, Math.max(lastSeen.get(device.id) ?? 0, message.receivedAt));
    }
    const { inserted, unchanged, replaced } = await insertReadings(trx, rows, { lastSeen });
    // After the rows: a stuck run found with this batch may have begun in it.
    for (const { device, flagEarlier } of messages) {
      if (!device || !flagEarlier) continue;
      for (const f of flagEarlier) {
        const key = {
          stationId: device.station_id,
          phenomenon: f.phenomenon,
          sensor: f.sensor,
          unit: f.unit,
        };
        const seriesId =
          series.get(seriesCacheKey(key.stationId, key.phenomenon, key.sensor)) ??
          (await ensureSeries(trx, key, series));
        await addReadingFlags(trx, { seriesId, from: f.from, to: f.to, value: f.value }, f.flags);
      }
    }
    // The device's ignored types and track, in the same transaction as its readings.
    const track: TrackPoint[] = [];
    const newIgnored = new Map<string, Set<string>>();
    for (const { device, ignored, location } of messages) {
      if (!device) continue;
      if (location) track.push({ deviceId: device.id, ...location });
      const seen = ignoredSeen.get(device.id);
      for (const t of ignored ?? []) {
        if (seen?.has(t)) continue;
        const set = newIgnored.get(device.id) ?? new Set<string>();
        newIgnored.set(device.id, set.add(t));
      }
    }
    await insertTrackPoints(trx, track);
    for (const [deviceId, types] of newIgnored) {
      // Types beyond the bound are remembered as seen too, so that they cost no read each time.
      ignoredNow.set(deviceId, [...(await addIgnoredTypes(trx, deviceId, [...types])), ...types]);
    }
    // Last: the stations' indices of this hour that are missing or outdated (data/store/current-indices.ts),
    // computed after this batch's rows and committed with them.
    if (options.timeZone) await refreshCurrentIndices(trx, { now: Date.now(), timeZone: options.timeZone });
    return { inserted, duplicates: unchanged, replaced };
  });
  // Only once committed: a rolled-back batch must write them again.
  for (const [deviceId, types] of ignoredNow) ignoredSeen.set(deviceId, new Set(types));
  return outcome;
}

/** Whether an error says a row this writer referenced was deleted (a device removed with --purge). */
export function isForeignKeyError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503' || /FOREIGN KEY/i.test(String(e));
}
