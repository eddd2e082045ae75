// Stations as the public API shows them: public location only (publicStation never reads the
// exact lat/lon of a citizen station), the phenomena they measure, and whether they are online.
import type { Kysely } from 'kysely';
import type { StationStatus, StationSummary } from '../data/api-types.js';
import { executeCompiled } from '../data/store/compiled.js';
import { lastReadingTimes } from '../data/store/latest.js';
import { publicStation } from '../data/store/stations.js';
import type { Database, Station } from '../data/schema.js';

/** A station is online if it sent a reading within this window. */
export const ONLINE_WINDOW_MS = 3_600_000;

export function statusOf(lastSeen: number | null | undefined, now: number): StationStatus {
  if (lastSeen === null || lastSeen === undefined) return 'never';
  return now - lastSeen <= ONLINE_WINDOW_MS ? 'online' : 'offline';
}

export const iso = (t: number) => new Date(t).toISOString();

/** The station with this id (compiled once: every station route starts with it). */
export async function findStation(db: Kysely<Database>, id: string): Promise<Station | undefined> {
  const rows = await executeCompiled<Station>(
    db,
    'api:station-by-id',
    () => db.selectFrom('stations').selectAll().where('id', '=', ''),
    [id],
  );
  return rows[0];
}

export function toSummary(
  station: Station,
  phenomena: readonly string[],
  lastSeen: number | null | undefined,
  now: number,
): StationSummary {
  const p = publicStation(station);
  return {
    id: p.id,
    source: p.source,
    name: p.name,
    lat: p.lat,
    lon: p.lon,
    exactLocation: p.exactLocation,
    exposure: p.exposure,
    address: p.address,
    commune: p.commune,
    phenomena: [...phenomena],
    status: statusOf(lastSeen, now),
    lastSeen: lastSeen === null || lastSeen === undefined ? null : iso(lastSeen),
    indicative: p.source === 'citizen',
    attribution: p.attribution,
    licence: p.licence,
  };
}

/** Above this many stations, read every station's series once rather than binding a long IN list. */
const IN_LIST_LIMIT = 500;

export async function phenomenaByStation(
  db: Kysely<Database>,
  stationIds: readonly string[],
): Promise<Map<string, string[]>> {
  let q = db
    .selectFrom('series')
    .select(['station_id', 'phenomenon'])
    .distinct()
    .orderBy('station_id')
    .orderBy('phenomenon');
  if (stationIds.length <= IN_LIST_LIMIT) {
    if (stationIds.length === 0) return new Map();
    q = q.where('station_id', 'in', stationIds);
  }
  const map = new Map<string, string[]>();
  for (const row of await q.execute()) {
    const list = map.get(row.station_id) ?? [];
    list.push(row.phenomenon);
    map.set(row.station_id, list);
  }
  return map;
}

export async function stationSummaries(
  db: Kysely<Database>,
  stations: readonly Station[],
  now: number,
): Promise<StationSummary[]> {
  const ids = stations.map((s) => s.id);
  const [phenomena, last] = await Promise.all([
    phenomenaByStation(db, ids),
    lastReadingTimes(db, ids.length <= IN_LIST_LIMIT ? ids : undefined),
  ]);
  return stations.map((s) => toSummary(s, phenomena.get(s.id) ?? [], last.get(s.id), now));
}
