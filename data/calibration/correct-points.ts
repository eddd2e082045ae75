// Corrected values, computed when read: the active calibration of a series (data/store/
// calibrations.ts) applied to the points a reader asked for, each point by the version valid at
// its time. The stored readings stay raw; a point says it was corrected, by which calibration,
// and keeps its raw value beside. Browser-safe.
import { HOUR_MS } from '../hourly-validity.js';
import type { Point } from '../store/series-points.js';
import { applyModel, type Coefficients, type Model } from './fit.js';

/** What correcting a point needs of a stored calibration version. */
export type Correction = {
  id: number;
  model: Model;
  coefficients: Coefficients;
  validFrom: number;
  /** Start of the next active version, or null. */
  validTo: number | null;
};

/** The version valid at t, if any (versions sorted by validFrom). */
export function correctionAt(corrections: readonly Correction[], t: number): Correction | undefined {
  for (let i = corrections.length - 1; i >= 0; i--) {
    const c = corrections[i]!;
    if (t >= c.validFrom) return c.validTo === null || t < c.validTo ? c : undefined;
  }
  return undefined;
}

export type CorrectOptions = {
  /** The station's hourly mean humidity for the hour starting at a bucket (linear-rh). */
  humidityAt?: (hour: number) => number | null;
  /**
   * Daily, monthly, yearly values: a humidity model is not applied to them (their humidity is
   * not one value), so they stay raw; linear models are, exactly (a mean of a·x + c is a·mean + c).
   */
  aggregated?: boolean;
};

const QUANTILE_PAIRS = [
  ['q02', 'q98'],
  ['q25', 'q75'],
] as const;

/**
 * Corrects the points in place: value, min, max, quantiles and sd. Sets `raw` (the value before)
 * and `calibrationId` on each point a version applies to, and leaves the others as they are.
 * Returns how many points were corrected.
 */
export function correctPointsInPlace(
  points: Point[],
  corrections: readonly Correction[],
  options: CorrectOptions = {},
): number {
  if (corrections.length === 0) return 0;
  let corrected = 0;
  for (const p of points) {
    const c = correctionAt(corrections, p.t);
    if (!c) continue;
    let rh: number | null = null;
    if (c.coefficients.b !== undefined) {
      if (options.aggregated || !options.humidityAt) continue;
      rh = options.humidityAt(Math.floor(p.t / HOUR_MS) * HOUR_MS);
      if (rh === null) continue;
    }
    const f = (v: number | null | undefined) =>
      v === null || v === undefined ? v : applyModel(c.coefficients, v, rh);
    const a = c.coefficients.a;
    p.raw = p.value;
    p.calibrationId = c.id;
    p.value = f(p.value) ?? null;
    const [min, max] = [f(p.min) ?? null, f(p.max) ?? null];
    // A negative gain turns the order over.
    [p.min, p.max] = a >= 0 ? [min, max] : [max, min];
    if (p.sd !== undefined && p.sd !== null) p.sd = Math.abs(a) * p.sd;
    if (p.median !== undefined) p.median = f(p.median);
    for (const [low, high] of QUANTILE_PAIRS) {
      if (p[low] === undefined && p[high] === undefined) continue;
      const [l, h] = [f(p[low]), f(p[high])];
      [p[low], p[high]] = a >= 0 ? [l, h] : [h, l];
    }
    corrected += 1;
  }
  return corrected;
}
