// Local calendar days in a time zone (SOUFFLE_TIMEZONE, Europe/Paris by default): the ATMO index and
// every daily value are per local day, which is 23 or 25 hours long at the clock changes
// (docs/methods.md, "Days"). Browser-safe: only Intl, so the widgets name days the same way.

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs ~50 µs, and days are named on every index request. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows ("Europe/Paris", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of `t` in `timeZone`. */
function wallClock(t: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(t))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

/** Offset of `timeZone` from UTC at instant `t`, in ms (+2 h in Paris in summer). */
export function zoneOffset(t: number, timeZone: string): number {
  const w = wallClock(t, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The local date (`YYYY-MM-DD`) of instant `t` in `timeZone`. */
export function localDate(t: number, timeZone: string): string {
  const w = wallClock(t, timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `date` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === date;
}

/**
 * First instant of local day `date` (`YYYY-MM-DD`) in `timeZone`, epoch ms: local midnight, or the
 * first instant after it where a clock change skips midnight (a few zones do).
 */
export function localDayStart(date: string, timeZone: string): number {
  if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a date (YYYY-MM-DD)`);
  const midnightAsUtc = Date.parse(`${date}T00:00:00Z`);
  // Two passes find the offset in force at local midnight, including on the day of a change.
  let t = midnightAsUtc - zoneOffset(midnightAsUtc, timeZone);
  t = midnightAsUtc - zoneOffset(t, timeZone);
  // Where midnight does not exist, `t` lands on the previous day: move to the day's first hour.
  while (localDate(t, timeZone) < date) t += HOUR_MS;
  while (localDate(t - HOUR_MS, timeZone) === date) t -= HOUR_MS;
  return t;
}

/** The local date after `date`. */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** The local date before `date`. */
export function previousDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

export type LocalDay = {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** First instant of the day, epoch ms UTC (inclusive). */
  start: number;
  /** First instant of the next day, epoch ms UTC (exclusive): 23, 24 or 25 hours after `start`. */
  end: number;
};

/** Local day `date` with its UTC bounds. */
export function localDay(date: string, timeZone: string): LocalDay {
  return { date, start: localDayStart(date, timeZone), end: localDayStart(nextDate(date), timeZone) };
}

/** The local day holding instant `t`. */
export function localDayOf(t: number, timeZone: string): LocalDay {
  return localDay(localDate(t, timeZone), timeZone);
}

/** Number of hours in a local day: 24, or 23 and 25 on the days the clocks change. */
export const hoursIn = (day: LocalDay): number => Math.round((day.end - day.start) / HOUR_MS);

/** The local days that overlap [from, to), in order. */
export function localDaysBetween(from: number, to: number, timeZone: string): LocalDay[] {
  const days: LocalDay[] = [];
  if (!(to > from)) return days;
  let day = localDayOf(from, timeZone);
  while (day.start < to) {
    days.push(day);
    day = localDay(nextDate(day.date), timeZone);
  }
  return days;
}
