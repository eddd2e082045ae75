// Air-quality indices of one station, computed from its hourly rollups with data/indices.ts:
// ATMO of a day (hourly means of the day), ATMO now (today's, else yesterday's: see currentAtmo),
// EAQI now (latest hourly means), US AQI now (NowCast of the last 12 hourly means), and for a past
// day EAQI and US AQI from the day's means.
// A station with several sensors for one pollutant: its hourly mean pools them (Σsum / Σn).
import type { Kysely } from 'kysely';
import type { CurrentIndex, IndexDay } from '../data/api-types.js';
import {
  ATMO_MIN_HOURS,
  POLLUTANTS,
  atmoDaily,
  eaqi,
  nowcast,
  usAqi,
  type IndexResult,
  type IndexScheme,
  type Pollutant,
} from '../data/indices.js';
import { executeCompiled } from '../data/store/compiled.js';
import { DAY_MS, HOUR_MS, bucketOf } from '../data/store/rollups.js';
import type { Database } from '../data/schema.js';

/** pollutant → (hour start → pooled hourly mean). */
export type HourlyMeans = Map<Pollutant, Map<number, number>>;

/** The EAQI uses the newest hourly mean no older than this (current hour and the two before). */
const EAQI_MAX_AGE_HOURS = 2;

async function hourlyMeans(
  db: Kysely<Database>,
  stationId: string,
  from: number,
  to: number,
): Promise<HourlyMeans> {
  // Compiled once: /latest runs this on every request. Sensors are pooled here rather than with a
  // GROUP BY, which would sort through a temporary b-tree (measured: half the query's time).
  const rows = await executeCompiled<{ phenomenon: string; bucket: number; sum: number; n: number }>(
    db,
    'api:hourly-rollups-of-station',
    () =>
      db
        .selectFrom('rollups_hourly as r')
        .innerJoin('series as s', 's.id', 'r.series_id')
        .select(['s.phenomenon', 'r.bucket', 'r.sum', 'r.n'])
        .where('s.station_id', '=', '')
        .where('s.phenomenon', 'in', POLLUTANTS)
        .where('r.bucket', '>=', 0)
        .where('r.bucket', '<', 0),
    [stationId, ...POLLUTANTS, from, to],
  );
  const pooled = new Map<Pollutant, Map<number, { sum: number; n: number }>>();
  for (const row of rows) {
    const p = row.phenomenon as Pollutant;
    let hours = pooled.get(p);
    if (!hours) pooled.set(p, (hours = new Map()));
    const hour = hours.get(row.bucket);
    if (hour) {
      hour.sum += row.sum;
      hour.n += row.n;
    } else hours.set(row.bucket, { sum: row.sum, n: row.n });
  }
  const means: HourlyMeans = new Map();
  for (const [p, hours] of pooled) {
    const out = new Map<number, number>();
    for (const [bucket, { sum, n }] of hours) if (n > 0) out.set(bucket, sum / n);
    means.set(p, out);
  }
  return means;
}

const series = (hours: Map<number, number> | undefined) =>
  [...(hours ?? new Map<number, number>())].map(([t, value]) => ({ t, value }));

function atmoOfDay(means: HourlyMeans, day: string): IndexResult {
  return atmoDaily(Object.fromEntries(POLLUTANTS.map((p) => [p, series(means.get(p))])), day);
}

/** Whether some pollutant has ATMO_MIN_HOURS hourly means from `dayStart` on: else the day's ATMO
 * index is unavailable, and computing it can be skipped. */
function mayHaveAtmo(means: HourlyMeans, dayStart: number): boolean {
  for (const hours of means.values()) {
    let count = 0;
    for (const t of hours.keys())
      if (t >= dayStart && t < dayStart + DAY_MS && ++count >= ATMO_MIN_HOURS) return true;
  }
  return false;
}

/** Today (UTC) can have an ATMO index from its 18th hour on (17:00 UTC); before, only yesterday can. */
export const todayMayHaveAtmo = (now: number) =>
  bucketOf(now, HOUR_MS) - bucketOf(now, DAY_MS) >= (ATMO_MIN_HOURS - 1) * HOUR_MS;

const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The hours currentAtmo needs: yesterday 00:00 UTC onwards. */
export const atmoWindowStart = (now: number) => bucketOf(now, DAY_MS) - DAY_MS;

/**
 * The current ATMO index. ATMO is a daily index that needs 18 hourly values of a pollutant
 * (ATMO_MIN_HOURS), so today's (UTC) is unavailable until about 18:00 UTC: without a date, the
 * index is today's when today has enough hours, else yesterday's, and says which day it is.
 * When neither is available it is today's "Indisponible".
 */
function currentAtmo(means: HourlyMeans, now: number): CurrentIndex & { date: string; day: IndexDay } {
  const todayStart = bucketOf(now, DAY_MS);
  const today = utcDay(now);
  if (mayHaveAtmo(means, todayStart)) {
    const ofToday = atmoOfDay(means, today);
    if (ofToday.available) return { ...ofToday, date: today, day: 'today' };
  }
  const yesterday = utcDay(now - DAY_MS);
  if (mayHaveAtmo(means, todayStart - DAY_MS)) {
    const ofYesterday = atmoOfDay(means, yesterday);
    if (ofYesterday.available) return { ...ofYesterday, date: yesterday, day: 'yesterday' };
  }
  return { ...atmoOfDay(means, today), date: today, day: 'today' };
}

function eaqiNow(means: HourlyMeans, now: number): IndexResult {
  const hour = bucketOf(now, HOUR_MS);
  const concentrations: Partial<Record<Pollutant, number>> = {};
  for (const p of POLLUTANTS) {
    for (let i = 0; i <= EAQI_MAX_AGE_HOURS; i++) {
      const v = means.get(p)?.get(hour - i * HOUR_MS);
      if (v !== undefined) {
        concentrations[p] = v;
        break;
      }
    }
  }
  return eaqi(concentrations);
}

function usAqiNow(means: HourlyMeans, now: number): IndexResult {
  const hour = bucketOf(now, HOUR_MS);
  const last12 = (p: Pollutant) =>
    Array.from({ length: 12 }, (_, i) => means.get(p)?.get(hour - i * HOUR_MS) ?? null);
  return usAqi({ pm25: nowcast(last12('pm25')), pm10: nowcast(last12('pm10')) });
}

/** Daily mean of each pollutant from its hourly means, when ATMO_MIN_HOURS hours are present. */
function dailyMeans(means: HourlyMeans, dayStart: number): Partial<Record<Pollutant, number>> {
  const out: Partial<Record<Pollutant, number>> = {};
  for (const p of POLLUTANTS) {
    const values = [...(means.get(p) ?? [])]
      .filter(([t]) => t >= dayStart && t < dayStart + DAY_MS)
      .map(([, v]) => v);
    if (values.length >= ATMO_MIN_HOURS) out[p] = values.reduce((a, b) => a + b, 0) / values.length;
  }
  return out;
}

/** Where the hours that every current index needs start: yesterday (ATMO), 11 hours ago (NowCast). */
const currentWindowStart = (now: number) =>
  Math.min(atmoWindowStart(now), bucketOf(now, HOUR_MS) - 11 * HOUR_MS);

/** One scheme's current index from the station's hourly means (see currentIndices). */
export function currentIndexOf(means: HourlyMeans, scheme: IndexScheme, now: number): CurrentIndex {
  if (scheme === 'atmo') return currentAtmo(means, now);
  return { ...(scheme === 'eaqi' ? eaqiNow(means, now) : usAqiNow(means, now)), date: null };
}

/** The three current indices shown with the latest values; one rollup query covers them all. */
export async function currentIndices(
  db: Kysely<Database>,
  stationId: string,
  now: number,
): Promise<Record<IndexScheme, CurrentIndex>> {
  const means = await hourlyMeans(db, stationId, currentWindowStart(now), bucketOf(now, HOUR_MS) + HOUR_MS);
  return {
    atmo: currentIndexOf(means, 'atmo', now),
    eaqi: currentIndexOf(means, 'eaqi', now),
    usaqi: currentIndexOf(means, 'usaqi', now),
  };
}

/**
 * One scheme's index: of a day (`date`, UTC, exactly that day) or of now (currentIndexOf: ATMO of
 * today or yesterday). EAQI and US AQI of a day class the day's means (the EPA's 24-hour mean; the
 * EEA's daily index).
 */
export async function stationIndex(
  db: Kysely<Database>,
  stationId: string,
  scheme: IndexScheme,
  date: string | undefined,
  now: number,
): Promise<CurrentIndex> {
  if (date === undefined) {
    const from = scheme === 'atmo' ? atmoWindowStart(now) : bucketOf(now, HOUR_MS) - 11 * HOUR_MS;
    const means = await hourlyMeans(db, stationId, from, bucketOf(now, HOUR_MS) + HOUR_MS);
    return currentIndexOf(means, scheme, now);
  }
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  const means = await hourlyMeans(db, stationId, dayStart, dayStart + DAY_MS);
  if (scheme === 'atmo') return { ...atmoOfDay(means, date), date };
  const daily = dailyMeans(means, dayStart);
  return { ...(scheme === 'eaqi' ? eaqi(daily) : usAqi({ pm25: daily.pm25, pm10: daily.pm10 })), date };
}
