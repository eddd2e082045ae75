// The current index of many stations at once, for `GET /stations?index=`: the map and the dashboard
// list colour every station, and one request per station (hundreds at each refresh) was what they
// did before. One rollup query (two for ATMO in the evening) reads the hours the listed stations
// need; each station's index is then computed by the same functions as /latest and /index
// (data/indices/current-index.ts), so the three always agree.
import type { Kysely } from 'kysely';
import type { StationIndexSummary } from '../data/api-types.js';
import {
  POLLUTANTS,
  hourInProgress,
  todayMayHaveAtmo,
  type HourlyMeans,
  type IndexScheme,
} from '../data/indices.js';
import { localDayOf } from '../data/local-days.js';
import type { Database } from '../data/schema.js';
import { currentIndexOf, nowWindowStart, type IndexContext } from '../data/indices/current-index.js';
import { sameMeasured, storedIndices } from '../data/store/current-indices.js';
import { hourlyMeansByStation } from '../data/store/hourly-means-by-station.js';

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
  // The indices stored for this hour (data/store/current-indices.ts); the others from the rollups.
  const stored = await storedIndices(
    db,
    stations.map((s) => s.id),
    ctx,
    [scheme],
  );
  const storedOf = (s: ListedStation) => {
    const row = stored.get(s.id);
    return row && sameMeasured(row.measured, s.phenomena) ? row[scheme] : undefined;
  };
  const missing = stations.filter((s) => !storedOf(s));
  const means =
    missing.length === 0
      ? new Map<string, HourlyMeans>()
      : scheme === 'atmo'
        ? await atmoMeansByStation(db, missing, ctx)
        : await hourlyMeansByStation(
            db,
            missing.map((s) => s.id),
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
    } = storedOf(s) ??
    currentIndexOf(means.get(s.id) ?? {}, scheme, {
      ...ctx,
      measured: s.phenomena,
    });
    out.set(s.id, summary);
  }
  return out;
}
