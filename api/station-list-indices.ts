// The current index of many stations at once, for `GET /stations?index=`: the map and the dashboard
// list colour every station, and one request per station (hundreds at each refresh) was what they
// did before. One rollup query (two for ATMO in the evening) reads the hours the listed stations
// need; each station's index is then computed by the same functions as /latest and /index
// (station-indices.ts), so the three always agree.
import type { Kysely } from 'kysely';
import type { StationIndexSummary } from '../data/api-types.js';
import {
  POLLUTANTS,
  hourInProgress,
  todayMayHaveAtmo,
  type HourlyMeans,
  type IndexScheme,
  type Pollutant,
} from '../data/indices.js';
import { localDayOf } from '../data/local-days.js';
import { isCoveredHour } from '../data/hourly-validity.js';
import type { Database } from '../data/schema.js';
import { hourlyCorrector } from '../data/store/hourly-corrector.js';
import {
  correctedRow,
  currentIndexOf,
  meansOf,
  nowWindowStart,
  poolHour,
  type IndexContext,
  type PooledHour,
} from './station-indices.js';

/** Above this many stations, read the window for every station rather than bind a long IN list. */
const IN_LIST_LIMIT = 500;

/**
 * Pooled hourly means (Σsum / Σn over a pollutant's sensors) of each station, hours starting in
 * [from, to). The one place this file reads hourly means: a rule about which hourly buckets are
 * valid belongs in this query, and in hourlyMeans (station-indices.ts).
 */
async function hourlyMeansByStation(
  db: Kysely<Database>,
  stationIds: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, HourlyMeans>> {
  if (stationIds.length === 0 || !(to > from)) return new Map();
  let q = db
    .selectFrom('rollups_hourly as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['s.station_id', 's.phenomenon', 's.sensor', 'r.bucket', 'r.sum', 'r.n', 'r.slots', 'r.n_humid'])
    .where('s.phenomenon', 'in', POLLUTANTS)
    .where('r.bucket', '>=', from)
    .where('r.bucket', '<', to);
  if (stationIds.length <= IN_LIST_LIMIT) q = q.where('s.station_id', 'in', stationIds);
  const wanted = new Set(stationIds);
  const correct = await hourlyCorrector(db, { stationIds, from, to });
  // station → pollutant → hour → running {sum, n}; a station's sensors of one pollutant pool here.
  const pooled = new Map<string, Map<Pollutant, Map<number, PooledHour>>>();
  for (const row of await q.execute()) {
    // Only valid hourly means, as in hourlyMeans (station-indices.ts).
    if (!wanted.has(row.station_id) || !isCoveredHour(row)) continue;
    let byPollutant = pooled.get(row.station_id);
    if (!byPollutant) pooled.set(row.station_id, (byPollutant = new Map()));
    const p = row.phenomenon as Pollutant;
    let hours = byPollutant.get(p);
    if (!hours) byPollutant.set(p, (hours = new Map()));
    poolHour(hours, correctedRow(correct, row.station_id, row));
  }
  const out = new Map<string, HourlyMeans>();
  for (const [station, byPollutant] of pooled) out.set(station, meansOf(byPollutant));
  return out;
}

/** A station as the list knows it: its id and the phenomena it measures. */
export type ListedStation = { id: string; phenomena: readonly string[] };

/**
 * The hourly means each station's current ATMO index needs, reading as few hours as it can: until
 * today (local) has had enough completed hours, only yesterday is read; later, today is read, and
 * yesterday only for the stations whose today falls short.
 */
async function atmoMeansByStation(
  db: Kysely<Database>,
  stations: readonly ListedStation[],
  ctx: Omit<IndexContext, 'measured'>,
): Promise<Map<string, HourlyMeans>> {
  const todayStart = localDayOf(ctx.now, ctx.timeZone).start;
  const yesterday = (ids: readonly string[]) =>
    hourlyMeansByStation(db, ids, nowWindowStart('atmo', { ...ctx, measured: [] }), todayStart);
  const ids = stations.map((s) => s.id);
  if (!todayMayHaveAtmo(ctx.now, ctx.timeZone)) return yesterday(ids);
  const today = await hourlyMeansByStation(db, ids, todayStart, hourInProgress(ctx.now));
  const short = stations
    .filter(
      (s) => !currentIndexOf(today.get(s.id) ?? {}, 'atmo', { ...ctx, measured: s.phenomena }).available,
    )
    .map((s) => s.id);
  for (const [id, means] of await yesterday(short)) {
    const merged: HourlyMeans = { ...today.get(id) };
    for (const p of POLLUTANTS) if (means[p]) merged[p] = [...means[p], ...(merged[p] ?? [])];
    today.set(id, merged);
  }
  return today;
}

/** Each station's current index in `scheme` (ATMO: today's, else yesterday's), as a list shows it. */
export async function currentIndexByStation(
  db: Kysely<Database>,
  stations: readonly ListedStation[],
  scheme: IndexScheme,
  ctx: Omit<IndexContext, 'measured'>,
): Promise<Map<string, StationIndexSummary>> {
  const means =
    scheme === 'atmo'
      ? await atmoMeansByStation(db, stations, ctx)
      : await hourlyMeansByStation(
          db,
          stations.map((s) => s.id),
          nowWindowStart(scheme, { ...ctx, measured: [] }),
          hourInProgress(ctx.now),
        );
  const out = new Map<string, StationIndexSummary>();
  for (const s of stations) {
    // The badge: everything but the sub-indices and the per-pollutant inputs.
    const {
      subIndices: _s,
      inputs: _i,
      ...summary
    } = currentIndexOf(means.get(s.id) ?? {}, scheme, {
      ...ctx,
      measured: s.phenomena,
    });
    out.set(s.id, summary);
  }
  return out;
}
