// The latest reading of each series, and when each station was last heard from, read from the
// materialised current values (migration 0012, data/store/current-values.ts): one row per series.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { executeCompiled } from './compiled.js';

export type SeriesLatest = {
  phenomenon: string;
  sensor: string;
  unit: string;
  time: number | null;
  value: number | null;
  flags: number | null;
  validation: string | null;
};

/**
 * Every series of the station with its newest reading (null for a series without one yet), by
 * phenomenon and sensor. Compiled once: the API's station pages run it on every request.
 */
export async function seriesWithLatest(db: Kysely<Database>, stationId: string): Promise<SeriesLatest[]> {
  return executeCompiled<SeriesLatest>(
    db,
    'series-with-current-values',
    () =>
      db
        .selectFrom('series as s')
        .leftJoin('current_values as r', 'r.series_id', 's.id')
        .select(['s.phenomenon', 's.sensor', 's.unit', 'r.time', 'r.value', 'r.flags', 'r.validation'])
        .where('s.station_id', '=', '')
        .orderBy('s.phenomenon')
        .orderBy('s.sensor'),
    [stationId],
  );
}

/** Time of the newest reading of each station that has any (station id → epoch ms). */
export async function lastReadingTimes(
  db: Kysely<Database>,
  stationIds?: readonly string[],
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('series as s')
    .innerJoin('current_values as c', 'c.series_id', 's.id')
    .select(['s.station_id', (eb) => eb.fn.max('c.time').as('last')])
    .groupBy('s.station_id');
  if (stationIds) {
    if (stationIds.length === 0) return new Map();
    q = q.where('s.station_id', 'in', stationIds);
  }
  const rows = await q.execute();
  return new Map(rows.filter((r) => r.last !== null).map((r) => [r.station_id, Number(r.last)]));
}
