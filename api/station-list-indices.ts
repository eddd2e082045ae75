// The current index of many stations at once, for `GET /stations?index=`: the map and the dashboard
// list colour every station, and one request per station (hundreds at each refresh) was what they
// did before. One rollup query (two for ATMO in the evening) reads the hours the listed stations
// need; each station's index is then computed by the same functions as /latest and /index
// (station-indices.ts), so the three always agree.
import type { Kysely } from 'kysely';
import type { StationIndexSummary } from '../data/api-types.js';
import { POLLUTANTS, type IndexScheme, type Pollutant } from '../data/indices.js';
import { DAY_MS, HOUR_MS, bucketOf } from '../data/store/rollups.js';
import type { Database } from '../data/schema.js';
import { atmoWindowStart, currentIndexOf, todayMayHaveAtmo, type HourlyMeans } from './station-indices.js';

/** Above this many stations, read the window for every station rather than bind a long IN list. */
const IN_LIST_LIMIT = 500;

/** Pooled hourly means (Σsum / Σn over a pollutant's sensors) of each station in [from, to). */
async function hourlyMeansByStation(
  db: Kysely<Database>,
  stationIds: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, HourlyMeans>> {
  if (stationIds.length === 0) return new Map();
  let q = db
    .selectFrom('rollups_hourly as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['s.station_id', 's.phenomenon', 'r.bucket', 'r.sum', 'r.n'])
    .where('s.phenomenon', 'in', POLLUTANTS)
    .where('r.bucket', '>=', from)
    .where('r.bucket', '<', to);
  if (stationIds.length <= IN_LIST_LIMIT) q = q.where('s.station_id', 'in', stationIds);
  const wanted = new Set(stationIds);
  // station → pollutant → hour → running {sum, n}; a station's sensors of one pollutant pool here.
  const pooled = new Map<string, Map<Pollutant, Map<number, { sum: number; n: number }>>>();
  for (const row of await q.execute()) {
    if (!wanted.has(row.station_id)) continue;
    let byPollutant = pooled.get(row.station_id);
    if (!byPollutant) pooled.set(row.station_id, (byPollutant = new Map()));
    const p = row.phenomenon as Pollutant;
    let hours = byPollutant.get(p);
    if (!hours) byPollutant.set(p, (hours = new Map()));
    const hour = hours.get(row.bucket);
    if (hour) {
      hour.sum += row.sum;
      hour.n += row.n;
    } else hours.set(row.bucket, { sum: row.sum, n: row.n });
  }
  const out = new Map<string, HourlyMeans>();
  for (const [station, byPollutant] of pooled) {
    const means: HourlyMeans = new Map();
    for (const [p, hours] of byPollutant) {
      const m = new Map<number, number>();
      for (const [bucket, { sum, n }] of hours) if (n > 0) m.set(bucket, sum / n);
      means.set(p, m);
    }
    out.set(station, means);
  }
  return out;
}

/**
 * The hourly means each station's current ATMO index needs, reading as few hours as it can: before
 * 17:00 UTC today cannot have its 18 hours, so only yesterday is read; later, today is read, and
 * yesterday only for the stations whose today falls short.
 */
async function atmoMeansByStation(
  db: Kysely<Database>,
  stationIds: readonly string[],
  now: number,
): Promise<Map<string, HourlyMeans>> {
  const todayStart = bucketOf(now, DAY_MS);
  const yesterday = (ids: readonly string[]) =>
    hourlyMeansByStation(db, ids, atmoWindowStart(now), todayStart);
  if (!todayMayHaveAtmo(now)) return yesterday(stationIds);
  const today = await hourlyMeansByStation(db, stationIds, todayStart, bucketOf(now, HOUR_MS) + HOUR_MS);
  const short = stationIds.filter((id) => !currentIndexOf(today.get(id) ?? new Map(), 'atmo', now).available);
  for (const [id, means] of await yesterday(short)) {
    const merged = today.get(id) ?? new Map();
    for (const [p, hours] of means) merged.set(p, new Map([...hours, ...(merged.get(p) ?? [])]));
    today.set(id, merged);
  }
  return today;
}

/** Each station's current index in `scheme` (ATMO: today's, else yesterday's), as a list shows it. */
export async function currentIndexByStation(
  db: Kysely<Database>,
  stationIds: readonly string[],
  scheme: IndexScheme,
  now: number,
): Promise<Map<string, StationIndexSummary>> {
  const hour = bucketOf(now, HOUR_MS);
  const means =
    scheme === 'atmo'
      ? await atmoMeansByStation(db, stationIds, now)
      : await hourlyMeansByStation(db, stationIds, hour - 11 * HOUR_MS, hour + HOUR_MS);
  const empty: HourlyMeans = new Map();
  const out = new Map<string, StationIndexSummary>();
  for (const id of stationIds) {
    const r = currentIndexOf(means.get(id) ?? empty, scheme, now);
    out.set(id, {
      scheme: r.scheme,
      available: r.available,
      value: r.value,
      level: r.level,
      label: r.label,
      colour: r.colour,
      dominant: r.dominant,
      date: r.date,
      ...(r.day ? { day: r.day } : {}),
    });
  }
  return out;
}
