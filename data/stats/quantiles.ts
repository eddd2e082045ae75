// Exact sample quantiles of the valid hourly means of a day, month or year, by Hyndman and Fan's
// definition 7 (Hyndman & Fan 1996, "Sample quantiles in statistical packages", The American
// Statistician 50(4)): the default of R's quantile(), numpy.quantile and pandas, so an analyst who
// recomputes them from /series?step=1h gets the same numbers. The quantiles OpenAQ gives with its
// daily and yearly summaries (q02, q25, median, q75, q98). Browser-safe.

export const QUANTILES = [
  ['q02', 0.02],
  ['q25', 0.25],
  ['median', 0.5],
  ['q75', 0.75],
  ['q98', 0.98],
] as const;

export type QuantileName = (typeof QUANTILES)[number][0];
export type Quantiles = Record<QuantileName, number | null>;

/** Quantile p (0..1) of values already sorted ascending, type 7: x[h] interpolated at h = (n−1)p. */
export function quantileSorted(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo]!;
  if (lo + 1 >= n) return below;
  return below + (h - lo) * (sorted[lo + 1]! - below);
}

/** q02, q25, median, q75 and q98 of `values` (any order; not modified); null for no values. */
export function quantilesOf(values: readonly number[]): Quantiles {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const out = {} as Quantiles;
  for (const [name, p] of QUANTILES) out[name] = quantileSorted(list, p);
  return out;
}
