// A station's indices of now as the API answers them, from its pooled hourly means: the one
// computation behind /latest, /stations?index=, /index and the stored current indices
// (data/store/current-indices.ts), so that they all agree. Pure functions.
import type { CurrentIndex } from '../api-types.js';
import { iso } from '../iso.js';
import type { HourlyCorrector } from '../store/hourly-corrector.js';
import { NOWCAST_HOURS, atmoNow, atmoNowFrom, eaqiNow, usAqiNow } from './indices-of-now.js';
import { HOUR_MS, hourInProgress } from './data-sufficiency.js';
import type { HourlyMeans } from './hourly-means.js';
import type { HourlyIndex, IndexScheme, Pollutant } from './index-result.js';

/** What the current indices of a station need to know besides its hourly means. */
export type IndexContext = {
  now: number;
  /** Zone of local days (AppDeps.timeZone). */
  timeZone: string;
  /** The phenomena the station measures, to tell `no-pollutant` from a lack of hours. */
  measured: readonly string[];
};

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
