// Stations as the public API shows them: public location only (publicStation never reads the
// exact lat/lon of a citizen station), the phenomena they measure, and whether they are online.
import type { Kysely } from 'kysely';
import type { StationSummary } from '../data/api-types.js';
import { lastReadingTimes, seriesWithLatest } from '../data/store/latest.js';
import { publicStation } from '../data/store/stations.js';
import { isReferenceSource, type Database, type Station } from '../data/schema.js';
import { iso } from './iso.js';
import { statusOf } from './station-status.js';

/** An INSEE commune code: five characters, Corsica's 2A/2B included (13055 Marseille, 2A004 Ajaccio). */
const INSEE = /^(?:\d{5}|2[AB]\d{3})$/;

/** The commune only when it is an INSEE code: databases pulled before the fix may still hold a
 * bare department number ("13"), which is not a place a reader can use. */
const communeOf = (commune: string | null) => (commune !== null && INSEE.test(commune) ? commune : null);

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
    commune: communeOf(p.commune),
    phenomena: [...phenomena],
    status: statusOf(lastSeen, now, p.source),
    lastSeen: lastSeen === null || lastSeen === undefined ? null : iso(lastSeen),
    indicative: !isReferenceSource(p.source),
    attribution: p.attribution,
    licence: p.licence,
    stationType: p.stationType,
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

/** One station's summary from its series (one compiled query instead of two list queries). */
export async function summaryOf(
  db: Kysely<Database>,
  station: Station,
  now: number,
): Promise<StationSummary> {
  const series = await seriesWithLatest(db, station.id);
  let lastSeen: number | null = null;
  for (const s of series) if (s.time !== null && (lastSeen === null || s.time > lastSeen)) lastSeen = s.time;
  return toSummary(station, [...new Set(series.map((s) => s.phenomenon))], lastSeen, now);
}
