// Ordinary least squares for co-location calibration (docs/methods.md, "Calibration"): the
// reference hourly mean as a linear function of the sensor's, optionally with the sensor's
// relative humidity as a second term, because optical PM sensors over-read in humid air
// (hygroscopic growth) and a humidity term is the usual first correction for it (Barkjohn et al.
// 2021 fit the same form nationwide). Pure functions, browser-safe.

/** One valid hour seen by both sides: the sensor's hourly mean, the reference's, and the sensor's RH. */
export type Pair = {
  /** Start of the hour, epoch ms UTC. */
  t: number;
  raw: number;
  ref: number;
  /** The sensor's hourly mean relative humidity (%), or null when it has no valid one. */
  rh: number | null;
};

/**
 * linear: ordinary least squares of the reference on the sensor, the smallest hourly error; like
 * every least-squares prediction it pulls values towards the mean, so its slope against the
 * reference is R² (0.4–0.5 on a noisy sensor) and peaks come out flattened.
 * linear-rh: the same with the sensor's humidity as a second term.
 * sma: standardised major axis, a = sd(reference) / sd(sensor) and the means matched; it keeps the
 * reference's spread (slope against the reference ≈ r), at the cost of a larger hourly error.
 */
export const MODELS = ['linear', 'linear-rh', 'sma'] as const;
export type Model = (typeof MODELS)[number];

/**
 * The model used when none is asked: sma. The US EPA judges a corrected sensor by the slope of its
 * values against the reference (0.65–1.35, on 24-hour means); a least-squares prediction's slope
 * is R² by construction, so it fails that target whenever the sensor follows the reference less
 * than 65 %, while the major axis's is r, inside the target as soon as R² ≥ 0.42, for an hourly
 * error at most √(2/(1+r)) times least squares' (docs/methods.md, "Which model by default").
 */
export const DEFAULT_MODEL: Model = 'sma';

/** corrected = a·raw + b·RH + c (b absent for the linear model). */
export type Coefficients = { a: number; b?: number; c: number };

export class FitError extends Error {
  override name = 'FitError';
}

/** The pairs a model can use: linear-rh needs the hour's humidity. */
export function usablePairs(pairs: readonly Pair[], model: Model): Pair[] {
  return model === 'linear-rh' ? pairs.filter((p) => p.rh !== null) : [...pairs];
}

/** The fewest pairs a fit accepts: a day and a half of hours; fewer fit noise, not a sensor. */
export const MIN_PAIRS = 36;

/** Least-squares coefficients of the model on the pairs. Throws FitError when it cannot be fitted. */
export function fit(pairs: readonly Pair[], model: Model): Coefficients {
  const usable = usablePairs(pairs, model);
  if (usable.length < MIN_PAIRS)
    throw new FitError(
      `only ${usable.length} usable hourly pairs (${model} needs at least ${MIN_PAIRS}: valid hours on both sides${model === 'linear-rh' ? ' and a valid humidity hour' : ''})`,
    );
  if (model === 'sma') return standardisedMajorAxis(usable);
  const rows = usable.map((p) => (model === 'linear' ? [p.raw] : [p.raw, p.rh!]));
  const beta = leastSquares(
    rows,
    usable.map((p) => p.ref),
  );
  if (!beta) throw new FitError(`the sensor's values do not vary enough to fit ${model}`);
  return model === 'linear' ? { a: beta[0]!, c: beta[1]! } : { a: beta[0]!, b: beta[1]!, c: beta[2]! };
}

/** Slope sd(ref)/sd(raw) with the sign of their correlation, through both means. */
function standardisedMajorAxis(pairs: readonly Pair[]): Coefficients {
  const n = pairs.length;
  const mx = pairs.reduce((s, p) => s + p.raw, 0) / n;
  const my = pairs.reduce((s, p) => s + p.ref, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const p of pairs) {
    sxx += (p.raw - mx) ** 2;
    syy += (p.ref - my) ** 2;
    sxy += (p.raw - mx) * (p.ref - my);
  }
  if (sxx === 0 || sxy === 0) throw new FitError("the sensor's values do not vary with the reference's");
  const a = Math.sign(sxy) * Math.sqrt(syy / sxx);
  return { a, c: my - a * mx };
}

/** The model applied to one value; null when the model needs a humidity that is missing. */
export function applyModel(coefficients: Coefficients, raw: number, rh: number | null): number | null {
  if (coefficients.b === undefined) return coefficients.a * raw + coefficients.c;
  if (rh === null) return null;
  return coefficients.a * raw + coefficients.b * rh + coefficients.c;
}

/**
 * β minimising Σ(y − X·β − intercept)²: returns the slopes then the intercept, or null when the
 * columns are collinear (a constant column). Columns are centred first, which keeps the normal
 * equations well conditioned with concentrations near 10 and humidities near 70.
 */
export function leastSquares(x: readonly (readonly number[])[], y: readonly number[]): number[] | null {
  const n = y.length;
  const k = x[0]?.length ?? 0;
  if (n === 0 || k === 0) return null;
  const meanX = Array.from({ length: k }, (_, j) => x.reduce((s, row) => s + row[j]!, 0) / n);
  const meanY = y.reduce((s, v) => s + v, 0) / n;
  // Normal equations on centred data: (XᵀX) β = Xᵀy.
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const row = x[i]!;
    const dy = y[i]! - meanY;
    for (let p = 0; p < k; p++) {
      const dp = row[p]! - meanX[p]!;
      for (let q = 0; q < k; q++) a[p]![q]! += dp * (row[q]! - meanX[q]!);
      a[p]![k]! += dp * dy;
    }
  }
  const beta = solve(a);
  if (!beta) return null;
  const intercept = meanY - beta.reduce((s, b, j) => s + b * meanX[j]!, 0);
  return [...beta, intercept];
}

/** Gaussian elimination with partial pivoting on an augmented k×(k+1) matrix; null if singular. */
function solve(m: number[][]): number[] | null {
  const k = m.length;
  const scale = Math.max(...m.map((row) => Math.max(...row.slice(0, k).map(Math.abs))), 0);
  if (scale === 0) return null;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) <= scale * 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= k; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[k]! / row[i]!);
}
