// Monthly and yearly values (steps 1mo, 1y) of local months and years (SOUFFLE_TIMEZONE), computed
// on read from the hourly rollups like the daily values (read-daily.ts): the mean of the period's
// VALID hourly means, valid when at least 90 % of the period's hours have one and the period is
// over. 90 % is the minimum data capture of Directive 2008/50/EC (Annex I, data quality objectives)
// for fixed measurements, on which the annual limit values are judged (docs/methods.md,
// "Months and years"). The quantiles are exact (Hyndman–Fan type 7) over those same hourly means:
// a year is at most 8 784 numbers to sort, so nothing but the rollups is stored or read.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { isValidHour } from '../hourly-validity.js';
import { DEFAULT_TIME_ZONE } from '../local-days.js';
import {
  hoursInPeriod,
  localPeriodOf,
  nextPeriod,
  type LocalPeriod,
  type PeriodStep,
} from '../local-periods.js';
import { quantilesOf } from '../stats/quantiles.js';
import { hourRows } from './read-daily.js';
import { sdOf, type HourRow, type Point } from './series-points.js';

/** Share of a month's or year's hours that must hold a valid hourly mean: 90 %. */
export const PERIOD_COVERAGE = 0.9;

/** Valid hourly means a period needs: ceil(90 % × its hours), 670 of 744, 7 884 of 8 760. */
export const hoursNeededForPeriod = (p: LocalPeriod): number => Math.ceil(PERIOD_COVERAGE * hoursInPeriod(p));

export type PeriodQuery = {
  seriesId: number;
  step: PeriodStep;
  /** Periods starting at or after this instant (epoch ms)… */
  from: number;
  /** …and before this one. */
  to: number;
  limit?: number;
  timeZone?: string;
  now: number;
};

/** The value of one period from its hourly rows: mean, spread and quantiles of its valid hourly means. */
export function periodPoint(period: LocalPeriod, hours: readonly HourRow[], now: number): Point {
  const means: number[] = [];
  let n = 0;
  let nFlagged = 0;
  let nHumid = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const h of hours) {
    nFlagged += h.n_flagged;
    if (!isValidHour(h, now)) continue;
    const m = h.sum / h.n;
    means.push(m);
    sum += m;
    sumSq += m * m;
    if (m < min) min = m;
    if (m > max) max = m;
    n += h.n;
    nHumid += h.n_humid;
  }
  const expectedHours = hoursInPeriod(period);
  const some = means.length > 0;
  return {
    t: period.start,
    value: some ? sum / means.length : null,
    min: some ? min : null,
    max: some ? max : null,
    n,
    sd: sdOf(means.length, sum, sumSq),
    coverage: means.length / expectedHours,
    valid: means.length >= hoursNeededForPeriod(period) && period.end <= now,
    nFlagged,
    nHumid,
    date: period.label,
    end: period.end,
    validHours: means.length,
    expectedHours,
    ...quantilesOf(means),
  };
}

/** Values of the local months or years starting in [from, to) that have any hourly rollup, oldest first. */
export async function readPeriodPoints(db: Kysely<Database>, q: PeriodQuery): Promise<Point[]> {
  const timeZone = q.timeZone ?? DEFAULT_TIME_ZONE;
  let first = localPeriodOf(q.from, q.step, timeZone);
  if (first.start < q.from) first = nextPeriod(first, q.step, timeZone);
  const points: Point[] = [];
  const limit = q.limit ?? Infinity;
  if (first.start >= q.to || limit <= 0) return points;
  let period: LocalPeriod | undefined;
  let hours: HourRow[] = [];
  for await (const row of hourRows(db, q.seriesId, first.start)) {
    if (!period || row.bucket >= period.end) {
      if (period && hours.length) {
        points.push(periodPoint(period, hours, q.now));
        if (points.length >= limit) return points;
      }
      // The next period with data: the one after, or looked up across a gap.
      const after: LocalPeriod | undefined = period && nextPeriod(period, q.step, timeZone);
      period = after && row.bucket < after.end ? after : localPeriodOf(row.bucket, q.step, timeZone);
      hours = [];
      if (period.start >= q.to) return points;
    }
    hours.push(row);
  }
  if (period && hours.length) points.push(periodPoint(period, hours, q.now));
  return points;
}
