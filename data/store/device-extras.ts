// What the ingest worker keeps about a device besides its readings (issue 15): the value types it
// sends that are not stored, shown in its status, and the GPS track of a mobile device.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Types kept per device: enough to name every sensor of a kit, bounded against a hostile one. */
export const IGNORED_TYPES_KEPT = 50;

/**
 * Adds value types to the device's ignored list (a sorted JSON array, at most IGNORED_TYPES_KEPT
 * long: a type beyond that is not added). Returns the list as stored.
 */
export async function addIgnoredTypes(db: Db, deviceId: string, types: readonly string[]): Promise<string[]> {
  const row = await db
    .selectFrom('devices')
    .select('ignored_types')
    .where('id', '=', deviceId)
    .executeTakeFirst();
  const current = parseIgnoredTypes(row?.ignored_types ?? null);
  const merged = new Set(current);
  for (const t of types) if (merged.size < IGNORED_TYPES_KEPT) merged.add(t);
  if (merged.size === current.length) return current;
  const list = [...merged].sort();
  await db
    .updateTable('devices')
    .set({ ignored_types: JSON.stringify(list) })
    .where('id', '=', deviceId)
    .execute();
  return list;
}

/** The stored list, or [] for none or a value not written by addIgnoredTypes. */
export function parseIgnoredTypes(text: string | null): string[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

export type TrackPoint = { deviceId: string; time: number; lat: number; lon: number };

/** Stores GPS fixes; a fix already stored for that time is kept (a redelivered message). */
export async function insertTrackPoints(db: Db, points: readonly TrackPoint[]): Promise<void> {
  if (points.length === 0) return;
  await db
    .insertInto('device_locations')
    .values(points.map((p) => ({ device_id: p.deviceId, time: p.time, lat: p.lat, lon: p.lon })))
    .onConflict((oc) => oc.columns(['device_id', 'time']).doNothing())
    .execute();
}

/** A device's fixes from `from` (inclusive) to `to` (exclusive), oldest first, at most `limit`. */
export async function readTrack(
  db: Db,
  deviceId: string,
  range: { from: number; to: number; limit: number },
): Promise<{ time: number; lat: number; lon: number }[]> {
  return db
    .selectFrom('device_locations')
    .select(['time', 'lat', 'lon'])
    .where('device_id', '=', deviceId)
    .where('time', '>=', range.from)
    .where('time', '<', range.to)
    .orderBy('time')
    .limit(range.limit)
    .execute();
}
