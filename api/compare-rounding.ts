// Rounds a /compare answer's numbers as every output is rounded (data/rounding.ts), after the
// metrics were computed on the exact hourly means: the hourly values to the phenomenon's decimals,
// concentrations derived from many of them (means, bias, errors, intercept) two decimals finer,
// since a mean of 700 hours is known better than one reading, and ratios to three decimals.
import type { CompareMetrics } from '../data/api-types.js';
import { roundTo } from '../data/rounding.js';

type Agreement = CompareMetrics['hourly'];

const CONCENTRATIONS = ['meanSensor', 'meanReference', 'bias', 'mae', 'rmse', 'intercept'] as const;
const RATIOS = ['r2', 'slope'] as const;

function roundAgreement<A extends Agreement>(a: A, decimals: number): A {
  const out = { ...a };
  for (const k of CONCENTRATIONS) out[k] = roundTo(a[k], decimals + 2);
  for (const k of RATIOS) out[k] = roundTo(a[k], 3);
  return out;
}

export function roundMetrics(m: CompareMetrics, decimals: number): CompareMetrics {
  return {
    hourly: roundAgreement(m.hourly, decimals),
    daily: roundAgreement(m.daily, decimals),
    coverage: { ...m.coverage, fraction: roundTo(m.coverage.fraction, 3) },
  };
}

/** Rounds the points' values in place (a year of hourly points: no copies). */
export function roundPointsInPlace(
  points: { value: number | null; reference: number | null; corrected?: number | null }[],
  decimals: number,
): void {
  for (const p of points) {
    p.value = roundTo(p.value, decimals);
    p.reference = roundTo(p.reference, decimals);
    if (p.corrected !== undefined) p.corrected = roundTo(p.corrected, decimals);
  }
}
