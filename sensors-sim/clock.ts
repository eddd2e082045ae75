// Time as people and the sun see it in Marseille: local (Europe/Paris) hour and weekday for
// traffic, and the sun's elevation for temperature and ozone. Pure arithmetic (no Intl), because a
// 30-day backfill evaluates it millions of times.

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Last Sunday of `month` (0-based) in `year`, at 01:00 UTC: the EU summer-time switch instant. */
function lastSundayAt1Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay(); // 0 = Sunday
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

type Year = { start: number; end: number; summerStart: number; summerEnd: number };
let lastYear: Year = { start: 0, end: -1, summerStart: 0, summerEnd: 0 };

/** The UTC year holding `t` and its summer-time bounds (memoised: backfills stay in one year). */
function yearOf(t: number): Year {
  if (t >= lastYear.start && t < lastYear.end) return lastYear;
  const year = new Date(t).getUTCFullYear();
  lastYear = {
    start: Date.UTC(year, 0, 1),
    end: Date.UTC(year + 1, 0, 1),
    summerStart: lastSundayAt1Utc(year, 2),
    summerEnd: lastSundayAt1Utc(year, 9),
  };
  return lastYear;
}

/** UTC offset of Europe/Paris at `t` in hours: +2 in summer time (EU directive 2000/84/EC), else +1. */
export function parisOffsetHours(t: number): number {
  const y = yearOf(t);
  return t >= y.summerStart && t < y.summerEnd ? 2 : 1;
}

export type LocalTime = {
  /** Fractional local hour, 0 ≤ hour < 24. */
  hour: number;
  /** Local weekday, 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Day of the year, 0-based (UTC). */
  dayOfYear: number;
};

export function localTime(t: number): LocalTime {
  const local = t + parisOffsetHours(t) * HOUR;
  const days = Math.floor(local / DAY);
  const hour = (local - days * DAY) / HOUR;
  const weekday = (((days + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const dayOfYear = Math.floor((t - yearOf(t).start) / DAY);
  return { hour, weekday, dayOfYear };
}

/**
 * Solar elevation in degrees (NOAA's simplified formulas: declination from the day of the year,
 * hour angle from the mean solar time; the equation of time, ±16 min, is neglected).
 */
export function solarElevation(t: number, lat: number, lon: number): number {
  const { dayOfYear } = localTime(t);
  const rad = Math.PI / 180;
  const declination = 23.44 * rad * Math.sin(((2 * Math.PI) / 365) * (dayOfYear - 80));
  const utcHours = (((t % DAY) + DAY) % DAY) / HOUR;
  const solarHours = utcHours + lon / 15;
  const hourAngle = (solarHours - 12) * 15 * rad;
  const phi = lat * rad;
  const sinEl =
    Math.sin(phi) * Math.sin(declination) + Math.cos(phi) * Math.cos(declination) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, sinEl))) / rad;
}

/** 0 in mid-January, 1 in mid-July: how far into summer the day is. */
export function summerness(t: number): number {
  const { dayOfYear } = localTime(t);
  return (1 - Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365)) / 2;
}
