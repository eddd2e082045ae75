// Reading a series back: raw rows, or hourly/daily rollups, as points {t, value, min, max, n}.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export const STEPS = ['raw', '1h', '1d'] as const;
export type Step = (typeof STEPS)[number];

export type Point = {
  /** Start of the bucket (rollups) or the reading's time (raw), epoch ms UTC. */
  t: number;
  /** The reading (raw) or the bucket's mean. */
  value: number;
  min: number;
  max: number;
  n: number;
  /** Raw points only. */
  flags?: number;
  validation?: string | null;
};

export type SeriesQuery = {
  seriesId: number;
  /** Inclusive start, epoch ms. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  step: Step;
  /** At most this many points (raw paging); the next page starts after the last point's t. */
  limit?: number;
  /** Keyset cursor: only points with t > after. */
  after?: number;
};

export async function readSeries(db: Kysely<Database>, q: SeriesQuery): Promise<Point[]> {
  const from = q.after !== undefined ? Math.max(q.from, q.after + 1) : q.from;
  if (q.step === 'raw') {
    let query = db
      .selectFrom('readings')
      .select(['time', 'value', 'flags', 'validation'])
      .where('series_id', '=', q.seriesId)
      .where('time', '>=', from)
      .where('time', '<', q.to)
      .orderBy('time');
    if (q.limit !== undefined) query = query.limit(q.limit);
    const rows = await query.execute();
    return rows.map((r) => ({
      t: r.time,
      value: r.value,
      min: r.value,
      max: r.value,
      n: 1,
      flags: r.flags,
      validation: r.validation,
    }));
  }
  const table = q.step === '1h' ? 'rollups_hourly' : 'rollups_daily';
  let query = db
    .selectFrom(table)
    .select(['bucket', 'n', 'sum', 'min', 'max'])
    .where('series_id', '=', q.seriesId)
    .where('bucket', '>=', from)
    .where('bucket', '<', q.to)
    .orderBy('bucket');
  if (q.limit !== undefined) query = query.limit(q.limit);
  const rows = await query.execute();
  return rows.map((r) => ({ t: r.bucket, value: r.sum / r.n, min: r.min, max: r.max, n: r.n }));
}
