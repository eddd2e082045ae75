// Air-quality indices of one station, computed from its hourly rollups by the pure functions of
// data/indices.ts: the ATMO index of a local day, ATMO now (today's, else yesterday's), EAQI now
// (the latest completed hours), US AQI now (NowCast of the last 12 completed hours) and the US AQI
// of a local day. The EEA defines no daily EAQI, so there is none (the route answers 400).
// A station with several sensors for one pollutant: its hourly mean pools them (Σsum / Σn).
import type { Kysely } from 'kysely';
import type { CurrentIndex } from '../data/api-types.js';
import {
  NOWCAST_HOURS,
  POLLUTANTS,
  atmoDaily,
  atmoNow,
  atmoNowFrom,
  eaqiNow,
  hourInProgress,
  usAqiNow,
  usAqiOfDay,
  type HourlyIndex,
  type HourlyMeans,
  type IndexScheme,
  type Pollutant,
} from '../data/indices.js';
import { localDay } from '../data/local-days.js';
import { isCoveredHour } from '../data/hourly-validity.js';
import { executeCompiled } from '../data/store/compiled.js';
import type { Database } from '../data/schema.js';
import { HOUR_MS } from '../data/store/rollups.js';
import { iso } from './iso.js';

/** What the current indices of a station need to know besides its hourly means. */
export type IndexContext = {
  now: number;
  /** Zone of local days (AppDeps.timeZone). */
  timeZone: string;
  /** The phenomena the station measures, to tell `no-pollutant` from a lack of hours. */
  measured: readonly string[];
};

/**
 * The station's pooled hourly means of every pollutant, hours starting in [from, to). The one
 * place this file reads hourly means: a rule about which hourly buckets are valid (coverage,
 * flagged readings) belongs in this query, and in hourlyMeansByStation (station-list-indices.ts).
 */
async function hourlyMeans(
  db: Kysely<Database>,
  stationId: string,
  from: number,
  to: number,
): Promise<HourlyMeans> {
  // Compiled once: /latest runs this on every request. Sensors are pooled here rather than with a
  // GROUP BY, which would sort through a temporary b-tree (measured: half the query's time).
  const rows = await executeCompiled<{
    phenomenon: string;
    bucket: number;
    sum: number;
    n: number;
    slots: number;
    n_humid: number;
  }>(
    db,
    'api:hourly-rollups-of-station',
    () =>
      db
        .selectFrom('rollups_hourly as r')
        .innerJoin('series as s', 's.id', 'r.series_id')
        .select(['s.phenomenon', 'r.bucket', 'r.sum', 'r.n', 'r.slots', 'r.n_humid'])
        .where('s.station_id', '=', '')
        .where('s.phenomenon', 'in', POLLUTANTS)
        .where('r.bucket', '>=', 0)
        .where('r.bucket', '<', 0),
    [stationId, ...POLLUTANTS, from, to],
  );
  const pooled = new Map<Pollutant, Map<number, PooledHour>>();
  for (const row of rows) {
    // Only valid hourly means (45 minutes covered, flagged readings already left out of n and sum):
    // each sensor's hour is judged on its own before the sensors are pooled.
    if (!isCoveredHour(row)) continue;
    const p = row.phenomenon as Pollutant;
    let hours = pooled.get(p);
    if (!hours) pooled.set(p, (hours = new Map()));
    poolHour(hours, row);
  }
  return meansOf(pooled);
}

/** One hour of a pollutant at a station, its sensors' sums pooled. */
export type PooledHour = { sum: number; n: number; humid: number };

/** Adds one sensor's hourly rollup row to the pooled hours of its pollutant. */
export function poolHour(
  hours: Map<number, PooledHour>,
  row: { bucket: number; sum: number; n: number; n_humid: number },
): void {
  const hour = hours.get(row.bucket);
  if (hour) {
    hour.sum += row.sum;
    hour.n += row.n;
    hour.humid += row.n_humid;
  } else hours.set(row.bucket, { sum: row.sum, n: row.n, humid: row.n_humid });
}

/** Pooled sums → hourly means (a bucket without readings is no hour). */
export function meansOf(pooled: Map<Pollutant, Map<number, PooledHour>>): HourlyMeans {
  const means: HourlyMeans = {};
  for (const [p, hours] of pooled) {
    const series: { t: number; value: number; humid: number }[] = [];
    for (const [t, { sum, n, humid }] of hours) if (n > 0) series.push({ t, value: sum / n, humid });
    means[p] = series;
  }
  return means;
}

/** An index as the API answers it: times in ISO 8601, and indicative (computed at a station). */
export function toAnswer(
  r: HourlyIndex & { date?: string | null; day?: 'today' | 'yesterday' },
): CurrentIndex {
  const { from, until, inputs, date = null, ...rest } = r;
  return {
    ...rest,
    date,
    from: iso(from),
    until: iso(until),
    inputs: inputs.map((i) => ({ ...i, from: iso(i.from), until: iso(i.until) })),
    indicative: true,
  };
}

/** Where the hours of `scheme` of now start: yesterday's local midnight (ATMO) or 12 hours ago. */
export function nowWindowStart(scheme: IndexScheme, { now, timeZone }: IndexContext): number {
  return scheme === 'atmo' ? atmoNowFrom(now, timeZone) : hourInProgress(now) - NOWCAST_HOURS * HOUR_MS;
}

/** One scheme's index of now from the station's hourly means (only completed hours count). */
export function currentIndexOf(means: HourlyMeans, scheme: IndexScheme, ctx: IndexContext): CurrentIndex {
  const options = { measured: ctx.measured };
  switch (scheme) {
    case 'atmo':
      return toAnswer(atmoNow(means, ctx.now, ctx.timeZone, options));
    case 'eaqi':
      return toAnswer(eaqiNow(means, ctx.now, options));
    case 'usaqi':
      return toAnswer(usAqiNow(means, ctx.now, options));
  }
}

/** The three current indices shown with the latest values; one rollup query covers them all. */
export async function currentIndices(
  db: Kysely<Database>,
  stationId: string,
  ctx: IndexContext,
): Promise<Record<IndexScheme, CurrentIndex>> {
  const from = Math.min(nowWindowStart('atmo', ctx), nowWindowStart('usaqi', ctx));
  const means = await hourlyMeans(db, stationId, from, hourInProgress(ctx.now));
  return {
    atmo: currentIndexOf(means, 'atmo', ctx),
    eaqi: currentIndexOf(means, 'eaqi', ctx),
    usaqi: currentIndexOf(means, 'usaqi', ctx),
  };
}

/**
 * One scheme's index: of a local day (`date`, exactly that day: ATMO, or the US AQI of the day's
 * PM means) or of now (currentIndexOf). The caller refuses the EAQI of a day, which the EEA does
 * not define.
 */
export async function stationIndex(
  db: Kysely<Database>,
  stationId: string,
  scheme: IndexScheme,
  date: string | undefined,
  ctx: IndexContext,
): Promise<CurrentIndex> {
  const completed = hourInProgress(ctx.now);
  if (date === undefined) {
    const means = await hourlyMeans(db, stationId, nowWindowStart(scheme, ctx), completed);
    return currentIndexOf(means, scheme, ctx);
  }
  const day = localDay(date, ctx.timeZone);
  const means = await hourlyMeans(db, stationId, day.start, Math.min(day.end, completed));
  const options = { now: ctx.now, measured: ctx.measured };
  if (scheme === 'eaqi') throw new RangeError('the EEA defines no daily EAQI');
  const result = scheme === 'atmo' ? atmoDaily(means, day, options) : usAqiOfDay(means, day, options);
  return toAnswer({ ...result, date });
}
