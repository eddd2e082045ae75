// Daily values, computed on read from the hourly rollups of each local day (SOUFFLE_TIMEZONE): the
// mean of the day's VALID hourly means, valid when at least 75 % of the day's hours are (18 of 24,
// 18 of 23, 19 of 25 at the clock changes: data/indices/data-sufficiency.ts), and when the day is over.
// The same definition as the daily ATMO index (docs/methods.md, "How Souffle computes"). Not stored:
// a local day is not a fixed-width bucket, and a day is at most 25 rollup rows to read.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { hoursNeededFor } from '../indices/data-sufficiency.js';
import { isValidHour } from '../hourly-validity.js';
import {
  DEFAULT_TIME_ZONE,
  hoursIn,
  localDay,
  localDayOf,
  localDayStart,
  nextDate,
  type LocalDay,
} from '../local-days.js';
import { quantilesOf } from '../stats/quantiles.js';
import { HOUR_ROW_COLUMNS, sdOf, type HourRow, type Point } from './series-points.js';

export type DailyQuery = {
  seriesId: number;
  /** Days starting at or after this instant (epoch ms)… */
  from: number;
  /** …and before this one. */
  to: number;
  limit?: number;
  timeZone?: string;
  now: number;
};

/** Hourly rollup rows of a series from `from` on, in order, read a page at a time. */
export async function* hourRows(db: Kysely<Database>, seriesId: number, from: number, pageRows = 5000) {
  let after = from - 1;
  for (;;) {
    const rows: HourRow[] = await db
      .selectFrom('rollups_hourly')
      .select(HOUR_ROW_COLUMNS)
      .where('series_id', '=', seriesId)
      .where('bucket', '>', after)
      .orderBy('bucket')
      .limit(pageRows)
      .execute();
    yield* rows;
    if (rows.length < pageRows) return;
    after = rows[rows.length - 1]!.bucket;
  }
}

/** The daily value of one local day from its hourly rows (an hour belongs to the day it starts in). */
export function dayPoint(day: LocalDay, hours: readonly HourRow[], now: number): Point {
  const means: number[] = [];
  let n = 0;
  let nFlagged = 0;
  let nHumid = 0;
  for (const h of hours) {
    nFlagged += h.n_flagged;
    if (!isValidHour(h, now)) continue;
    means.push(h.sum / h.n);
    n += h.n;
    nHumid += h.n_humid;
  }
  const expectedHours = hoursIn(day);
  let sum = 0;
  let sumSq = 0;
  for (const m of means) {
    sum += m;
    sumSq += m * m;
  }
  return {
    t: day.start,
    value: means.length ? sum / means.length : null,
    min: means.length ? Math.min(...means) : null,
    max: means.length ? Math.max(...means) : null,
    n,
    sd: sdOf(means.length, sum, sumSq),
    coverage: means.length / expectedHours,
    valid: means.length >= hoursNeededFor(day) && day.end <= now,
    nFlagged,
    nHumid,
    date: day.date,
    end: day.end,
    validHours: means.length,
    expectedHours,
    ...quantilesOf(means),
  };
}

/**
 * The local day holding `t`: the day after `previous` when it does (one zone lookup instead of
 * two; naming days is most of the cost of a year of daily values), else looked up.
 */
function dayHolding(t: number, previous: LocalDay | undefined, timeZone: string): LocalDay {
  if (previous && t >= previous.end) {
    const date = nextDate(previous.date);
    const end = localDayStart(nextDate(date), timeZone);
    if (t < end) return { date, start: previous.end, end };
  }
  return localDayOf(t, timeZone);
}

/** Daily values of the local days starting in [from, to) that have any hourly rollup, oldest first. */
export async function readDailyPoints(db: Kysely<Database>, q: DailyQuery): Promise<Point[]> {
  const timeZone = q.timeZone ?? DEFAULT_TIME_ZONE;
  let first = localDayOf(q.from, timeZone);
  if (first.start < q.from) first = localDay(nextDate(first.date), timeZone);
  const points: Point[] = [];
  const limit = q.limit ?? Infinity;
  if (first.start >= q.to || limit <= 0) return points;
  let day: LocalDay | undefined;
  let hours: HourRow[] = [];
  for await (const row of hourRows(db, q.seriesId, first.start)) {
    if (!day || row.bucket >= day.end) {
      if (day && hours.length) {
        points.push(dayPoint(day, hours, q.now));
        if (points.length >= limit) return points;
      }
      day = dayHolding(row.bucket, day, timeZone);
      hours = [];
      if (day.start >= q.to) return points;
    }
    hours.push(row);
  }
  if (day && hours.length) points.push(dayPoint(day, hours, q.now));
  return points;
}
