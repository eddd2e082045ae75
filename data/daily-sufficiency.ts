// How many valid hourly means a local day needs for a valid daily value: 75 % of its hours
// (Directive 2008/50/EC, Annex VII: 18 of 24), rounded up, so 18 of a 23-hour day and 19 of a
// 25-hour day at the clock changes (docs/methods.md, "How Souffle computes"). Browser-safe.
import { hoursIn, type LocalDay } from './local-days.js';

export const DAILY_COVERAGE = 0.75;

export function hoursNeededFor(day: LocalDay): number {
  return Math.ceil(DAILY_COVERAGE * hoursIn(day));
}
