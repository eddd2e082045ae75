// When there are enough hourly means to compute a daily value or an index. Browser-safe.
// Sources: docs/methods.md, "Data sufficiency" (Directive 2008/50/EC, Annex VII: a daily value needs
// 75 % of the day's hourly means; the hour in progress is never a valid hourly mean).
import { hoursIn, type LocalDay } from '../local-days.js';

export const HOUR_MS = 3_600_000;

/** Share of a day's hours that must have a (valid) hourly mean for a daily value: 75 %. */
export const DAILY_COVERAGE = 0.75;

/**
 * Hourly means a daily value of local day `day` needs: ceil(75 % × the day's hours), so 18 for a
 * 24-hour day, 18 for the 23-hour day of the spring clock change (17.25 → 18) and 19 for the 25-hour
 * day of the autumn one (18.75 → 19). The daily means of the store use the same rule.
 */
export function hoursNeededFor(day: LocalDay): number {
  return Math.ceil(DAILY_COVERAGE * hoursIn(day));
}

/** Start (epoch ms) of the hour in progress at `now`: that hour and later ones are not complete, so
 * no index uses them. Hourly buckets are UTC hours named by their start. */
export function hourInProgress(now: number): number {
  return Math.floor(now / HOUR_MS) * HOUR_MS;
}
