// How well a sensor agrees with its reference station, on the hours both have a valid hourly mean
// (data/hourly-validity.ts: 45 minutes covered, hour over), and on 24-hour means of local days.
// The statistics are those of the US EPA's performance targets for PM2.5 sensors (Duvall et al.
// 2021, "Performance Testing Protocols, Metrics, and Target Values for Fine Particulate Matter Air
// Sensors", EPA/600/R-20/280): n, mean bias, MAE, RMSE, R² of the linear fit, and its slope and
// intercept with the sensor as y and the reference as x (sensor = slope·reference + intercept),
// so a slope of 0.6 reads "the sensor shows 60 % of the reference". Browser-safe and pure.
import { hoursIn, localDaysBetween } from './local-days.js';

const HOUR_MS = 3_600_000;

/** Fewer hourly pairs than a day say more about that day's weather than about the sensor. */
export const MIN_HOURLY_PAIRS = 24;
/** 24-hour means need 75 % of the local day's hours paired (EPA's completeness rule: 18 of 24). */
export const DAY_COMPLETENESS = 0.75;
/** Fewer than 3 days give no meaningful fit of daily means. */
export const MIN_DAILY_PAIRS = 3;

export type Pair = { sensor: number; reference: number };

export type Agreement = {
  /** Pairs the statistics are computed on. */
  n: number;
  meanSensor: number | null;
  meanReference: number | null;
  /** Mean of sensor − reference: negative when the sensor reads low. */
  bias: number | null;
  mae: number | null;
  rmse: number | null;
  /** Square of Pearson's r: the share of the reference's variation the sensor follows. */
  r2: number | null;
  slope: number | null;
  intercept: number | null;
  /** Whether n reaches the minimum for the statistics to mean something (otherwise all null). */
  enough: boolean;
};

/** The statistics of a set of pairs; null statistics below `minPairs`. */
export function agreement(pairs: readonly Pair[], minPairs: number): Agreement {
  const n = pairs.length;
  const none: Agreement = {
    n,
    meanSensor: null,
    meanReference: null,
    bias: null,
    mae: null,
    rmse: null,
    r2: null,
    slope: null,
    intercept: null,
    enough: false,
  };
  if (n === 0 || n < minPairs) return none;
  let sx = 0;
  let sy = 0;
  let sAbs = 0;
  let sSq = 0;
  for (const p of pairs) {
    sx += p.reference;
    sy += p.sensor;
    const d = p.sensor - p.reference;
    sAbs += Math.abs(d);
    sSq += d * d;
  }
  const mx = sx / n;
  const my = sy / n;
  // Centred sums: no cancellation on large means.
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const p of pairs) {
    const dx = p.reference - mx;
    const dy = p.sensor - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const slope = sxx > 0 ? sxy / sxx : null;
  return {
    n,
    meanSensor: my,
    meanReference: mx,
    bias: my - mx,
    mae: sAbs / n,
    rmse: Math.sqrt(sSq / n),
    r2: sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : null,
    slope,
    intercept: slope === null ? null : my - slope * mx,
    enough: true,
  };
}

export type HourlyPoint = { t: number; value: number | null; reference: number | null };

export type Coverage = {
  /** Completed hours in the window. */
  hours: number;
  sensorHours: number;
  referenceHours: number;
  /** Hours where both have a valid mean: the pairs. */
  pairedHours: number;
  /** pairedHours / hours, 0..1. */
  fraction: number;
};

export type ComparisonMetrics = {
  hourly: Agreement;
  /** 24-hour means of the local days with at least 75 % of their hours paired. */
  daily: Agreement & { days: number };
  coverage: Coverage;
};

/**
 * Metrics of hourly points (each a valid hourly mean or null) over [from, to), counting only hours
 * that are over at `now`; days are the local days of `timeZone`, so "a day" is the day the reader
 * lives (23 or 25 hours at the clock changes), and a day is kept only if 75 % of it is paired.
 */
export function comparisonMetrics<P extends HourlyPoint>(
  points: readonly P[],
  window: { from: number; to: number; now: number; timeZone: string },
  pick: (p: P) => number | null = (p) => p.value,
): ComparisonMetrics {
  const end = Math.min(window.to, Math.floor(window.now / HOUR_MS) * HOUR_MS);
  const start = Math.ceil(window.from / HOUR_MS) * HOUR_MS;
  const hours = Math.max(0, Math.floor((end - start) / HOUR_MS));
  const pairs: (Pair & { t: number })[] = [];
  let sensorHours = 0;
  let referenceHours = 0;
  for (const p of points) {
    if (p.t < start || p.t >= end) continue;
    const v = pick(p);
    if (v !== null) sensorHours += 1;
    if (p.reference !== null) referenceHours += 1;
    if (v !== null && p.reference !== null) pairs.push({ t: p.t, sensor: v, reference: p.reference });
  }
  const days: Pair[] = [];
  let i = 0;
  pairs.sort((a, b) => a.t - b.t);
  for (const day of localDaysBetween(start, end, window.timeZone)) {
    let n = 0;
    let s = 0;
    let r = 0;
    while (i < pairs.length && pairs[i]!.t < day.end) {
      if (pairs[i]!.t >= day.start) {
        n += 1;
        s += pairs[i]!.sensor;
        r += pairs[i]!.reference;
      }
      i += 1;
    }
    if (n >= Math.ceil(DAY_COMPLETENESS * hoursIn(day))) days.push({ sensor: s / n, reference: r / n });
  }
  return {
    hourly: agreement(pairs, MIN_HOURLY_PAIRS),
    daily: { ...agreement(days, MIN_DAILY_PAIRS), days: days.length },
    coverage: {
      hours,
      sensorHours,
      referenceHours,
      pairedHours: pairs.length,
      fraction: hours > 0 ? pairs.length / hours : 0,
    },
  };
}
