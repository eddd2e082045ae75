// Reading a series back: raw rows, hourly means from the rollups, or daily, monthly and yearly
// values computed from the valid hourly means of each local day, month or year (read-daily.ts,
// read-periods.ts). Every mean carries the statistics an
// analyst needs to judge it: n, min, max, sd, coverage, validity, and the readings left out for
// their flags or flagged humid (docs/methods.md, "How Souffle computes").
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { readDailyPoints } from './read-daily.js';
import { readPeriodPoints } from './read-periods.js';
import { HOUR_ROW_COLUMNS, hourPoint, type Point } from './series-points.js';

export type { Point };

export const STEPS = ['raw', '1h', '1d', '1mo', '1y'] as const;
export type Step = (typeof STEPS)[number];
/** Steps whose buckets are local days, months or years, with quantiles. */
export const CALENDAR_STEPS: readonly Step[] = ['1d', '1mo', '1y'];

export type SeriesQuery = {
  seriesId: number;
  /** Inclusive start, epoch ms: buckets (hours, local days) starting at or after it. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  step: Step;
  /** At most this many points (paging); the next page starts after the last point's t. */
  limit?: number;
  /** Keyset cursor: only points with t > after. */
  after?: number;
  /** Zone of the local days, months and years (SOUFFLE_TIMEZONE); default Europe/Paris. */
  timeZone?: string;
  /** Now, epoch ms: the hour and the day in progress are never valid. Default Date.now(). */
  now?: number;
};

export async function readSeries(db: Kysely<Database>, q: SeriesQuery): Promise<Point[]> {
  const from = q.after !== undefined ? Math.max(q.from, q.after + 1) : q.from;
  const now = q.now ?? Date.now();
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
  if (q.step === '1d') {
    return readDailyPoints(db, {
      seriesId: q.seriesId,
      from,
      to: q.to,
      limit: q.limit,
      timeZone: q.timeZone,
      now,
    });
  }
  if (q.step === '1mo' || q.step === '1y') {
    return readPeriodPoints(db, {
      seriesId: q.seriesId,
      step: q.step,
      from,
      to: q.to,
      limit: q.limit,
      timeZone: q.timeZone,
      now,
    });
  }
  let query = db
    .selectFrom('rollups_hourly')
    .select(HOUR_ROW_COLUMNS)
    .where('series_id', '=', q.seriesId)
    .where('bucket', '>=', from)
    .where('bucket', '<', q.to)
    .orderBy('bucket');
  if (q.limit !== undefined) query = query.limit(q.limit);
  const rows = await query.execute();
  return rows.map((r) => hourPoint(r, now));
}
