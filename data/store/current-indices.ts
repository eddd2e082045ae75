// Each station's current indices (ATMO, EAQI, US AQI of now), stored in current_indices (migration
// 0012) by the ingest worker and the AtmoSud puller, so that /latest and /stations?index= read a
// row instead of recomputing them from the hourly rollups on every request.
//
// Indices of now use completed hours only, so a row computed during hour H holds for all of H:
// readings of the hour in progress do not change it. It becomes outdated when the hour turns (the
// readers then compute, as before, and the next write refreshes it), and when a completed hour of
// the station changes: a late reading, a replaced or flagged one, an AtmoSud hourly mean (stored
// at its hour's start, written after the hour), or a new series (the phenomena it measures).
// Those writes delete the row in their own transaction (forgetCurrentIndices), so a stored row
// always equals what the rollups would give for its hour.
import type { Kysely, Transaction } from 'kysely';
import type { CurrentIndex } from '../api-types.js';
import { INDEX_SCHEMES, hourInProgress, type IndexScheme } from '../indices.js';
import { currentIndexOf, nowWindowStart } from '../indices/current-index.js';
import type { Database } from '../schema.js';
import { hourlyMeansByStation } from './hourly-means-by-station.js';

type Executor = Transaction<Database> | Kysely<Database>;

export type StoredIndices = { measured: readonly string[] } & Partial<Record<IndexScheme, CurrentIndex>>;

export type IndexClock = { now: number; timeZone: string };

/** Stations refreshed per call at most: the turn of the hour is spread over a few batches. */
const REFRESH_LIMIT = 200;

/**
 * Deletes the stored indices that readings at `time` or later of these series may have changed:
 * those computed in an hour after the hour of `time`, when it was a completed hour. Rows of the
 * hour in progress are left alone, which is every row when the readings are current.
 */
export async function forgetCurrentIndices(
  db: Executor,
  rows: readonly { seriesId: number; time: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  const newest = await db
    .selectFrom('current_indices')
    .select((eb) => eb.fn.max('hour').as('hour'))
    .executeTakeFirst();
  const newestHour = newest?.hour === null || newest?.hour === undefined ? null : Number(newest.hour);
  if (newestHour === null) return;
  // Per series, its earliest reading in a completed hour of some stored row.
  const from = new Map<number, number>();
  for (const r of rows) {
    const hour = hourInProgress(r.time); // the start of the reading's hour
    if (hour < newestHour && !(from.get(r.seriesId)! <= hour)) from.set(r.seriesId, hour);
  }
  if (from.size === 0) return;
  const earliest = Math.min(...from.values());
  const ids = [...from.keys()].sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .deleteFrom('current_indices')
      .where('hour', '>', earliest)
      .where('station_id', 'in', (eb) =>
        eb
          .selectFrom('series')
          .select('station_id')
          .where('id', 'in', ids.slice(i, i + 500)),
      )
      .execute();
  }
}

/** Deletes a station's stored indices (a series was added: what it measures changed). */
export async function forgetStationIndices(db: Executor, stationId: string): Promise<void> {
  await db.deleteFrom('current_indices').where('station_id', '=', stationId).execute();
}

/**
 * Computes and stores the indices of the hour in progress for stations whose row is missing or
 * outdated, at most `limit` of them (by id); returns how many it stored. Runs in the writer's
 * transaction, after its readings.
 */
export async function refreshCurrentIndices(
  db: Executor,
  clock: IndexClock,
  options: { limit?: number } = {},
): Promise<number> {
  const hour = hourInProgress(clock.now);
  const stale = await db
    .selectFrom('stations as st')
    .leftJoin('current_indices as ci', 'ci.station_id', 'st.id')
    .select('st.id')
    .where((eb) =>
      eb.or([
        eb('ci.station_id', 'is', null),
        eb('ci.hour', '<>', hour),
        eb('ci.time_zone', '<>', clock.timeZone),
      ]),
    )
    .orderBy('st.id')
    .limit(options.limit ?? REFRESH_LIMIT)
    .execute();
  if (stale.length === 0) return 0;
  const ids = stale.map((s) => s.id);
  const rows = await computeIndices(db as Kysely<Database>, ids, clock);
  // In station order: two PostgreSQL writers lock the rows in the same order.
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('current_indices')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc.column('station_id').doUpdateSet((eb) => ({
          hour: eb.ref('excluded.hour'),
          time_zone: eb.ref('excluded.time_zone'),
          measured: eb.ref('excluded.measured'),
          atmo: eb.ref('excluded.atmo'),
          eaqi: eb.ref('excluded.eaqi'),
          usaqi: eb.ref('excluded.usaqi'),
        })),
      )
      .execute();
  }
  return rows.length;
}

/** The rows of current_indices for these stations, computed from their rollups. */
async function computeIndices(db: Kysely<Database>, ids: readonly string[], clock: IndexClock) {
  const measured = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  for (let i = 0; i < ids.length; i += 500) {
    const series = await db
      .selectFrom('series')
      .select(['station_id', 'phenomenon'])
      .where('station_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const s of series) measured.get(s.station_id)?.add(s.phenomenon);
  }
  const ctx = { ...clock, measured: [] };
  const from = Math.min(nowWindowStart('atmo', ctx), nowWindowStart('usaqi', ctx));
  const means = await hourlyMeansByStation(db, ids, from, hourInProgress(clock.now));
  return ids.map((id) => {
    const phenomena = [...measured.get(id)!].sort();
    const stationCtx = { ...clock, measured: phenomena };
    const m = means.get(id) ?? {};
    return {
      station_id: id,
      hour: hourInProgress(clock.now),
      time_zone: clock.timeZone,
      measured: JSON.stringify(phenomena),
      atmo: JSON.stringify(currentIndexOf(m, 'atmo', stationCtx)),
      eaqi: JSON.stringify(currentIndexOf(m, 'eaqi', stationCtx)),
      usaqi: JSON.stringify(currentIndexOf(m, 'usaqi', stationCtx)),
    };
  });
}

/**
 * The stored indices of the hour in progress at `clock.now` (in `schemes`), by station: of these
 * stations, or of all when `stationIds` is undefined. Rows of another hour or zone are left out,
 * and the caller computes those stations' indices from the rollups; so must it when the phenomena
 * it knows the station by differ from `measured`.
 */
export async function storedIndices(
  db: Kysely<Database>,
  stationIds: readonly string[] | undefined,
  clock: IndexClock,
  schemes: readonly IndexScheme[] = INDEX_SCHEMES,
): Promise<Map<string, StoredIndices>> {
  const out = new Map<string, StoredIndices>();
  if (stationIds?.length === 0) return out;
  const wanted = stationIds && stationIds.length > 500 ? new Set(stationIds) : undefined;
  let q = db
    .selectFrom('current_indices')
    .select(['station_id', 'measured', ...schemes])
    .where('hour', '=', hourInProgress(clock.now))
    .where('time_zone', '=', clock.timeZone);
  if (stationIds && !wanted) q = q.where('station_id', 'in', stationIds);
  const rows = (await q.execute()) as unknown as Record<string, string>[];
  for (const row of rows) {
    const id = row.station_id!;
    if (wanted && !wanted.has(id)) continue;
    const stored: StoredIndices = { measured: JSON.parse(row.measured!) as string[] };
    for (const scheme of schemes) stored[scheme] = JSON.parse(row[scheme]!) as CurrentIndex;
    out.set(id, stored);
  }
  return out;
}

/** Whether a station's stored `measured` is the set of phenomena a reader knows it by. */
export function sameMeasured(stored: readonly string[], phenomena: readonly string[]): boolean {
  const set = new Set(phenomena);
  return set.size === stored.length && stored.every((p) => set.has(p));
}
