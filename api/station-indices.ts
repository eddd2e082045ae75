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
import { hourlyCorrector, type HourlyCorrector } from '../data/store/hourly-corrector.js';
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
  const correct = await hourlyCorrector(db, { stationIds: [stationId], from, to });
  // Compiled once: /latest runs this on every request. Sensors are pooled here rather than with a
  // GROUP BY, which would sort through a temporary b-tree (measured: half the query's time).
  const rows = await executeCompiled<{
    phenomenon: string;
    sensor: string;
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
        .select(['s.phenomenon', 's.sensor', 'r.bucket', 'r.sum', 'r.n', 'r.slots', 'r.n_humid'])
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
    poolHour(hours, correctedRow(correct, stationId, row));
  }
  return meansOf(pooled);
}

/**
 * A sensor's hourly rollup row with its sum corrected when a calibration applies (before pooling:
 * each sensor has its own calibration), and the calibration's id.
 */
export function correctedRow<
  R extends { phenomenon: string; sensor: string; bucket: number; sum: number; n: number },
>(correct: HourlyCorrector | null, stationId: string, row: R): R & { calibrationId?: number } {
  if (!correct || row.n === 0) return row;
  const c = correct(
    { stationId, phenomenon: row.phenomenon, sensor: row.sensor },
    row.bucket,
    row.sum / row.n,
  );
  return c ? { ...row, sum: c.value * row.n, calibrationId: c.calibrationId } : row;
}

/** One hour of a pollutant at a station, its sensors' sums pooled; the calibrations that corrected them. */
export type PooledHour = { sum: number; n: number; humid: number; calibrationIds?: number[] };

/** Adds one sensor's hourly rollup row (corrected or not) to the pooled hours of its pollutant. */
export function poolHour(
  hours: Map<number, PooledHour>,
  row: { bucket: number; sum: number; n: number; n_humid: number; calibrationId?: number },
): void {
  const hour = hours.get(row.bucket);
  const id = row.calibrationId;
  if (hour) {
    hour.sum += row.sum;
    hour.n += row.n;
    hour.humid += row.n_humid;
    if (id !== undefined) (hour.calibrationIds ??= []).push(id);
  } else
    hours.set(row.bucket, {
      sum: row.sum,
      n: row.n,
      humid: row.n_humid,
      ...(id === undefined ? {} : { calibrationIds: [id] }),
    });
}

/** An hourly mean as the indices take it, with the calibrations that corrected it, if any. */
type CorrectedMean = { t: number; value: number; humid: number; calibrationIds?: number[] };

/** Pooled sums → hourly means (a bucket without readings is no hour). */
export function meansOf(pooled: Map<Pollutant, Map<number, PooledHour>>): HourlyMeans {
  const means: HourlyMeans = {};
  for (const [p, hours] of pooled) {
    const series: CorrectedMean[] = [];
    for (const [t, { sum, n, humid, calibrationIds }] of hours)
      if (n > 0) series.push({ t, value: sum / n, humid, ...(calibrationIds ? { calibrationIds } : {}) });
    means[p] = series;
  }
  return means;
}

/**
 * Whether an index used corrected hours: the calibrations behind the hours each input used
 * (`corrected: true` and their ids), nothing when none was corrected.
 */
export function correctionOfIndex(
  means: HourlyMeans,
  inputs: readonly { pollutant: Pollutant; from: number; until: number }[],
): { corrected?: true; calibrationIds?: number[] } {
  const ids = new Set<number>();
  for (const input of inputs)
    for (const h of (means[input.pollutant] ?? []) as readonly CorrectedMean[])
      if (h.t >= input.from && h.t < input.until) for (const id of h.calibrationIds ?? []) ids.add(id);
  return ids.size === 0 ? {} : { corrected: true, calibrationIds: [...ids].sort((a, b) => a - b) };
}

/** An index as the API answers it: times in ISO 8601, and indicative (computed at a station). */
export function toAnswer(
  r: HourlyIndex & { date?: string | null; day?: 'today' | 'yesterday' },
  means: HourlyMeans = {},
): CurrentIndex {
  const { from, until, inputs, date = null, ...rest } = r;
  return {
    ...rest,
    ...correctionOfIndex(means, inputs),
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
      return toAnswer(atmoNow(means, ctx.now, ctx.timeZone, options), means);
    case 'eaqi':
      return toAnswer(eaqiNow(means, ctx.now, options), means);
    case 'usaqi':
      return toAnswer(usAqiNow(means, ctx.now, options), means);
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
  return toAnswer({ ...result, date }, means);
}
