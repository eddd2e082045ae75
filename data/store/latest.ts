// The latest reading of each series, and when each station was last heard from. Both use the
// readings primary key (series, time) to find a series' newest row in O(log n), never a scan.
import { sql, type Kysely } from 'kysely';
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
    'series-with-latest',
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

/** Time of the newest reading of each station that has any (station id → epoch ms). */
export async function lastReadingTimes(
  db: Kysely<Database>,
  stationIds?: readonly string[],
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('series as s')
    .select([
      's.station_id',
      sql<number | null>`max((select max(m.time) from readings m where m.series_id = s.id))`.as('last'),
    ])
    .groupBy('s.station_id');
  if (stationIds) {
    if (stationIds.length === 0) return new Map();
    q = q.where('s.station_id', 'in', stationIds);
  }
  const rows = await q.execute();
  return new Map(rows.filter((r) => r.last !== null).map((r) => [r.station_id, Number(r.last)]));
}
