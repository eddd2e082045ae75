// Local calendar months and years in a time zone (SOUFFLE_TIMEZONE), the buckets of steps 1mo and
// 1y: a local month starts at local midnight of its first day, so January in Paris starts at
// 23:00 UTC on 31 December and March is an hour shorter than 31 × 24 hours. Browser-safe.
import { localDate, localDayStart } from './local-days.js';

export type PeriodStep = '1mo' | '1y';

export type LocalPeriod = {
  /** `YYYY-MM` (month) or `YYYY` (year), in the zone. */
  label: string;
  /** First instant, epoch ms UTC (inclusive). */
  start: number;
  /** First instant of the next period, epoch ms UTC (exclusive). */
  end: number;
};

const HOUR_MS = 3_600_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The first day (`YYYY-MM-DD`) of the period after the one that starts on `first`. */
function nextFirstDay(first: string, step: PeriodStep): string {
  const year = Number(first.slice(0, 4));
  const month = Number(first.slice(5, 7));
  if (step === '1y') return `${pad(year + 1, 4)}-01-01`;
  return month === 12 ? `${pad(year + 1, 4)}-01-01` : `${pad(year, 4)}-${pad(month + 1, 2)}-01`;
}

function periodStarting(first: string, step: PeriodStep, timeZone: string): LocalPeriod {
  return {
    label: step === '1y' ? first.slice(0, 4) : first.slice(0, 7),
    start: localDayStart(first, timeZone),
    end: localDayStart(nextFirstDay(first, step), timeZone),
  };
}

/** The local month or year holding instant `t`. */
export function localPeriodOf(t: number, step: PeriodStep, timeZone: string): LocalPeriod {
  const date = localDate(t, timeZone);
  const first = step === '1y' ? `${date.slice(0, 4)}-01-01` : `${date.slice(0, 7)}-01`;
  return periodStarting(first, step, timeZone);
}

/** The period after `period`. */
export function nextPeriod(period: LocalPeriod, step: PeriodStep, timeZone: string): LocalPeriod {
  const first = step === '1y' ? `${period.label}-01-01` : `${period.label}-01`;
  const next = periodStarting(nextFirstDay(first, step), step, timeZone);
  return next;
}

/** Hours in a period (a local month has 743, 744 or 745 hours at a clock change; a year 8 760 or 8 784). */
export const hoursInPeriod = (p: { start: number; end: number }): number =>
  Math.round((p.end - p.start) / HOUR_MS);
