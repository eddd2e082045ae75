// Every station's newest value of one phenomenon (GET /api/v1/latest, OpenAQ's most used request):
// one query over the series of that phenomenon and their materialised current values (migration
// 0012), as seriesWithLatest does for one station.
import type { Kysely } from 'kysely';
import type { Database, StationSource } from '../schema.js';

export type StationLatest = {
  station: string;
  source: StationSource;
  name: string;
  /** Public location only. */
  lat: number;
  lon: number;
  licence: string | null;
  attribution: string | null;
  sensor: string;
  unit: string;
  time: number;
  value: number;
  flags: number;
  validation: string | null;
};

export type LatestFilter = {
  phenomenon: string;
  source?: StationSource;
  /** [minLon, minLat, maxLon, maxLat] on the public location. */
  bbox?: readonly [number, number, number, number];
  /** Only values at or after this instant (epoch ms). */
  since?: number;
};

/** Per station, the newest reading of `phenomenon` over all its sensors, by station id. */
export async function latestByStation(db: Kysely<Database>, f: LatestFilter): Promise<StationLatest[]> {
  let q = db
    .selectFrom('series as s')
    .innerJoin('stations as st', 'st.id', 's.station_id')
    .innerJoin('current_values as r', 'r.series_id', 's.id')
    .select([
      's.station_id as station',
      'st.source',
      'st.name',
      // Public location only: the exact lat/lon of a citizen station never leaves (privacy).
      'st.public_lat as lat',
      'st.public_lon as lon',
      'st.licence',
      'st.attribution',
      's.sensor',
      's.unit',
      'r.time',
      'r.value',
      'r.flags',
      'r.validation',
    ])
    .where('s.phenomenon', '=', f.phenomenon)
    .orderBy('s.station_id')
    .orderBy('r.time', 'desc')
    .orderBy('s.sensor');
  if (f.source) q = q.where('st.source', '=', f.source);
  if (f.since !== undefined) q = q.where('r.time', '>=', f.since);
  if (f.bbox) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    q = q
      .where('st.public_lon', '>=', minLon)
      .where('st.public_lon', '<=', maxLon)
      .where('st.public_lat', '>=', minLat)
      .where('st.public_lat', '<=', maxLat);
  }
  const rows = (await q.execute()) as StationLatest[];
  // Rows come newest first within a station: keep the first of each.
  const out: StationLatest[] = [];
  for (const row of rows) if (out.at(-1)?.station !== row.station) out.push(row);
  return out;
}
