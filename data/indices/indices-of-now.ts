// The indices of now, and the US AQI of a day, from a station's hourly means: which completed hours
// each index takes, and the evidence it states. Browser-safe. Sources: docs/methods.md.
// Only completed hours count: the hour in progress is never a valid hourly mean (data sufficiency).
import { localDay, localDayOf, previousDate, type LocalDay } from '../local-days.js';
import { atmoDaily } from './atmo.js';
import { HOUR_MS, hourInProgress, hoursNeededFor } from './data-sufficiency.js';
import { eaqi } from './eaqi.js';
import { hoursBetween, humidHoursIn, inputOf, measuresAny, type HourlyMeans } from './hourly-means.js';
import { POLLUTANTS, type HourlyIndex, type IndexInput, type Pollutant } from './index-result.js';
import { US_AQI_POLLUTANTS, nowcast, usAqi } from './us-aqi.js';

/** The EAQI takes, per pollutant, the newest of the last 3 completed hours: AtmoSud publishes an
 * hourly mean one to two hours after its hour ends. */
export const EAQI_RECENT_HOURS = 3;

/** The NowCast looks at the last 12 completed hours (EPA). */
export const NOWCAST_HOURS = 12;

export type IndexOptions = {
  /** The phenomena the station measures, to tell `no-pollutant` from a lack of hours. */
  measured?: readonly string[];
};

/** Which local day an ATMO index of now describes. */
export type AtmoDay = 'today' | 'yesterday';

/**
 * The European index of now: per pollutant, the mean of its newest completed hour among the last
 * EAQI_RECENT_HOURS; 0 `no-recent-hour` when no pollutant has one.
 */
export function eaqiNow(hourly: HourlyMeans, now: number, options: IndexOptions = {}): HourlyIndex {
  const end = hourInProgress(now);
  const start = end - EAQI_RECENT_HOURS * HOUR_MS;
  const concentrations: Partial<Record<Pollutant, number>> = {};
  const inputs: IndexInput[] = [];
  for (const pollutant of POLLUTANTS) {
    const hours = hoursBetween(hourly[pollutant], start, end);
    if (hours.size === 0) continue;
    const newest = Math.max(...hours.keys());
    const value = hours.get(newest)!;
    concentrations[pollutant] = value;
    inputs.push({
      pollutant,
      value,
      hours: 1,
      needed: 1,
      from: newest,
      until: newest + HOUR_MS,
      humidHours: humidHoursIn(hourly[pollutant], [newest]),
    });
  }
  const result = eaqi(concentrations);
  if (!result.available) {
    result.reason = measuresAny(POLLUTANTS, hourly, options.measured) ? 'no-recent-hour' : 'no-pollutant';
  }
  const from = inputs.length ? Math.min(...inputs.map((i) => i.from)) : start;
  const until = inputs.length ? Math.max(...inputs.map((i) => i.until)) : end;
  return { ...result, from, until, inputs };
}

/**
 * The US AQI of now: the NowCast of each PM over the last NOWCAST_HOURS completed hours (c1 the
 * hour that ended last), which needs 2 of the 3 most recent; 0 `no-recent-hour` without.
 */
export function usAqiNow(hourly: HourlyMeans, now: number, options: IndexOptions = {}): HourlyIndex {
  const end = hourInProgress(now);
  const start = end - NOWCAST_HOURS * HOUR_MS;
  const concentrations: Partial<Record<Pollutant, number | null>> = {};
  const inputs: IndexInput[] = [];
  for (const pollutant of US_AQI_POLLUTANTS) {
    const hours = hoursBetween(hourly[pollutant], start, end);
    const c = nowcast(Array.from({ length: NOWCAST_HOURS }, (_, i) => hours.get(end - (i + 1) * HOUR_MS)));
    concentrations[pollutant] = c;
    const input = inputOf(pollutant, hours, c, 2, hourly[pollutant]);
    if (input) inputs.push(input);
  }
  const result = usAqi(concentrations);
  if (!result.available) {
    result.reason = measuresAny(US_AQI_POLLUTANTS, hourly, options.measured)
      ? 'no-recent-hour'
      : 'no-pollutant';
  }
  return { ...result, from: start, until: end, inputs };
}

/**
 * The US AQI of local day `day` from each PM's daily mean (the EPA's 24-hour mean), which needs
 * hoursNeededFor(day) completed hourly means; 0 `not-enough-hours` without.
 */
export function usAqiOfDay(
  hourly: HourlyMeans,
  day: LocalDay,
  options: IndexOptions & { now?: number } = {},
): HourlyIndex {
  const needed = hoursNeededFor(day);
  const until =
    options.now === undefined ? day.end : Math.max(day.start, Math.min(day.end, hourInProgress(options.now)));
  const means: Partial<Record<Pollutant, number | null>> = {};
  const inputs: IndexInput[] = [];
  for (const pollutant of US_AQI_POLLUTANTS) {
    const hours = hoursBetween(hourly[pollutant], day.start, until);
    const values = [...hours.values()];
    const mean = hours.size >= needed ? values.reduce((a, b) => a + b, 0) / values.length : null;
    means[pollutant] = mean;
    const input = inputOf(pollutant, hours, mean, needed, hourly[pollutant]);
    if (input) inputs.push(input);
  }
  const result = usAqi(means);
  if (!result.available) {
    result.reason = measuresAny(US_AQI_POLLUTANTS, hourly, options.measured)
      ? 'not-enough-hours'
      : 'no-pollutant';
  }
  return { ...result, from: day.start, until, inputs };
}

/** Whether today (local) has had enough completed hours for a daily index: before, only
 * yesterday's ATMO can be available, so a caller may skip reading today. */
export function todayMayHaveAtmo(now: number, timeZone: string): boolean {
  const today = localDayOf(now, timeZone);
  return hourInProgress(now) - today.start >= hoursNeededFor(today) * HOUR_MS;
}

/** The first instant whose hours atmoNow may use: yesterday's local midnight. */
export function atmoNowFrom(now: number, timeZone: string): number {
  return localDay(previousDate(localDayOf(now, timeZone).date), timeZone).start;
}

/**
 * The ATMO index of now. ATMO is a daily index that needs 75 % of the local day's hours, so today's
 * is unavailable until about 18:00 local time: the index is today's (its completed hours) when
 * today has enough, else yesterday's, and says which local day it is. When neither is available it
 * is today's "Indisponible" with its reason.
 */
export function atmoNow(
  hourly: HourlyMeans,
  now: number,
  timeZone: string,
  options: IndexOptions = {},
): HourlyIndex & { date: string; day: AtmoDay } {
  const today = localDayOf(now, timeZone);
  const ofToday = atmoDaily(hourly, today, { ...options, now });
  if (ofToday.available) return { ...ofToday, date: today.date, day: 'today' };
  const yesterday = localDay(previousDate(today.date), timeZone);
  const ofYesterday = atmoDaily(hourly, yesterday, { ...options, now });
  if (ofYesterday.available) return { ...ofYesterday, date: yesterday.date, day: 'yesterday' };
  return { ...ofToday, date: today.date, day: 'today' };
}
