// The latest reading of each series, and when each station was last heard from. Both use the
// readings primary key (series, time) to find a series' newest row in O(log n), never a scan.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export type LatestReading = {
  seriesId: number;
  stationId: string;
  phenomenon: string;
  sensor: string;
  unit: string;
  time: number;
  value: number;
  flags: number;
  validation: string | null;
};

export async function latestReadings(
  db: Kysely<Database>,
  filter: { stationId?: string; phenomenon?: string } = {},
): Promise<LatestReading[]> {
  let q = db
    .selectFrom('series as s')
    .innerJoin('readings as r', (join) =>
      join.onRef('r.series_id', '=', 's.id').on('r.time', '=', (eb) =>
        eb
          .selectFrom('readings as m')
          .select((m) => m.fn.max('m.time').as('t'))
          .whereRef('m.series_id', '=', 's.id'),
      ),
    )
    .select([
      's.id as seriesId',
      's.station_id as stationId',
      's.phenomenon',
      's.sensor',
      's.unit',
      'r.time',
      'r.value',
      'r.flags',
      'r.validation',
    ])
    .orderBy('s.station_id')
    .orderBy('s.phenomenon')
    .orderBy('s.sensor');
  if (filter.stationId) q = q.where('s.station_id', '=', filter.stationId);
  if (filter.phenomenon) q = q.where('s.phenomenon', '=', filter.phenomenon);
  return q.execute();
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
