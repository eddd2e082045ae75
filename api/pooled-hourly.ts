// Valid hourly means of one phenomenon at one station, pooling its sensors (a station may carry
// two PM sensors): bucket start → mean. Only completed hours 45 minutes covered count
// (data/hourly-validity.ts); a station's sensors pool afterwards, weighted by their readings.
import type { Kysely } from 'kysely';
import { isValidHour } from '../data/hourly-validity.js';
import type { Database } from '../data/schema.js';

export async function pooledHourly(
  db: Kysely<Database>,
  query: { stationId: string; phenomenon: string; from: number; to: number; now: number },
): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('rollups_hourly as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['r.bucket', 'r.sum', 'r.n', 'r.slots'])
    .where('s.station_id', '=', query.stationId)
    .where('s.phenomenon', '=', query.phenomenon)
    .where('r.bucket', '>=', query.from)
    .where('r.bucket', '<', query.to)
    .execute();
  const pooled = new Map<number, { sum: number; n: number }>();
  for (const r of rows) {
    if (!isValidHour(r, query.now)) continue;
    const hour = pooled.get(r.bucket);
    if (hour) {
      hour.sum += r.sum;
      hour.n += r.n;
    } else pooled.set(r.bucket, { sum: r.sum, n: r.n });
  }
  return new Map([...pooled].map(([bucket, h]) => [bucket, h.sum / h.n]));
}
