// Stations as the public API shows them: public location only (publicStation never reads the
// exact lat/lon of a citizen station), the phenomena they measure, and whether they are online.
import type { Kysely } from 'kysely';
import type { StationStatus, StationSummary } from '../data/api-types.js';
import { executeCompiled } from '../data/store/compiled.js';
import { lastReadingTimes } from '../data/store/latest.js';
import { publicStation } from '../data/store/stations.js';
import type { Database, Station, StationSource } from '../data/schema.js';

/** A citizen station is online if it sent a reading within this window. */
export const ONLINE_WINDOW_MS = 3_600_000;

/**
 * A reference (AtmoSud) station publishes hourly means late: the mean of 08:00–09:00 is stored
 * with the hour's start (t = 08:00) and arrives after 09:00, often one to two hours later. Such a
 * station is online while its newest hourly mean ended (t + 1 h) within this window, i.e. while
 * t is at most 4 h old: "online if seen in the last hour" would call every official station offline.
 */
export const REFERENCE_ONLINE_WINDOW_MS = 3 * 3_600_000;
const REFERENCE_VALUE_SPAN_MS = 3_600_000;

export function statusOf(
  lastSeen: number | null | undefined,
  now: number,
  source: StationSource = 'citizen',
): StationStatus {
  if (lastSeen === null || lastSeen === undefined) return 'never';
  const age = source === 'atmosud' ? now - (lastSeen + REFERENCE_VALUE_SPAN_MS) : now - lastSeen;
  const window = source === 'atmosud' ? REFERENCE_ONLINE_WINDOW_MS : ONLINE_WINDOW_MS;
  return age <= window ? 'online' : 'offline';
}

export const iso = (t: number) => new Date(t).toISOString();

/** An INSEE commune code: five characters, Corsica's 2A/2B included (13055 Marseille, 2A004 Ajaccio). */
const INSEE = /^(?:\d{5}|2[AB]\d{3})$/;

/** The commune only when it is an INSEE code: databases pulled before the fix may still hold a
 * bare department number ("13"), which is not a place a reader can use. */
export const communeOf = (commune: string | null) =>
  commune !== null && INSEE.test(commune) ? commune : null;

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
    commune: communeOf(p.commune),
    phenomena: [...phenomena],
    status: statusOf(lastSeen, now, p.source),
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

export type SeriesLatest = {
  phenomenon: string;
  sensor: string;
  unit: string;
  time: number | null;
  value: number | null;
  flags: number | null;
  validation: string | null;
};

/** Every series of the station with its newest reading (null for a series without one yet). */
export async function seriesWithLatest(db: Kysely<Database>, stationId: string): Promise<SeriesLatest[]> {
  return executeCompiled<SeriesLatest>(
    db,
    'api:series-with-latest',
    () =>
      db
        .selectFrom('series as s')
        .leftJoin('readings as r', (join) =>
          join.onRef('r.series_id', '=', 's.id').on('r.time', '=', (eb) =>
            eb
              .selectFrom('readings as m')
              .select((m) => m.fn.max('m.time').as('t'))
              .whereRef('m.series_id', '=', 's.id'),
          ),
        )
        .select(['s.phenomenon', 's.sensor', 's.unit', 'r.time', 'r.value', 'r.flags', 'r.validation'])
        .where('s.station_id', '=', '')
        .orderBy('s.phenomenon')
        .orderBy('s.sensor'),
    [stationId],
  );
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
