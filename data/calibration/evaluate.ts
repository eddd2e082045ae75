// How well a sensor agrees with the reference beside it, before and after correction, on hourly
// values and on 24-hour means of local days, set against the US EPA's performance targets for
// PM2.5 sensors (Duvall et al. 2021, "Performance Testing Protocols, Metrics, and Target Values
// for Fine Particulate Matter Air Sensors", EPA/600/R-20/280). As in that protocol, the sensor is
// regressed on the reference (sensor = slope·reference + intercept), R² is the squared Pearson
// correlation and RMSE the root mean squared difference. Browser-safe.
import { localDate } from '../local-days.js';
import { HOUR_MS } from '../hourly-validity.js';
import { epaPurpleAir } from './epa-purpleair.js';
import { applyModel, fit, type Coefficients, type Model, type Pair } from './fit.js';

export type Agreement = {
  /** Values compared (hours, or days for 24-hour means). */
  n: number;
  rmse: number | null;
  /** Mean of sensor − reference. */
  bias: number | null;
  r2: number | null;
  /** Of sensor = slope·reference + intercept. */
  slope: number | null;
  intercept: number | null;
};

/** US EPA target values for PM2.5 sensors (24-hour means in the protocol; shown beside hourly too). */
export const EPA_PM25_TARGETS = {
  r2Min: 0.7,
  slopeMin: 0.65,
  slopeMax: 1.35,
  interceptMax: 5,
  rmseMax: 7,
} as const;

export type TargetCheck = { r2: boolean; slope: boolean; intercept: boolean; rmse: boolean; all: boolean };

export function meetsTargets(a: Agreement): TargetCheck {
  const t = EPA_PM25_TARGETS;
  const r2 = a.r2 !== null && a.r2 >= t.r2Min;
  const slope = a.slope !== null && a.slope >= t.slopeMin && a.slope <= t.slopeMax;
  const intercept = a.intercept !== null && Math.abs(a.intercept) <= t.interceptMax;
  const rmse = a.rmse !== null && a.rmse <= t.rmseMax;
  return { r2, slope, intercept, rmse, all: r2 && slope && intercept && rmse };
}

/** Agreement of sensor values x with reference values y. */
export function agreement(pairs: readonly { x: number; y: number }[]): Agreement {
  const n = pairs.length;
  if (n === 0) return { n, rmse: null, bias: null, r2: null, slope: null, intercept: null };
  let sx = 0;
  let sy = 0;
  let sd2 = 0;
  for (const { x, y } of pairs) {
    sx += x;
    sy += y;
    sd2 += (x - y) ** 2;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const { x, y } of pairs) {
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
    sxy += (x - mx) * (y - my);
  }
  // Sensor regressed on reference: slope = cov / var(reference).
  const slope = syy > 0 ? sxy / syy : null;
  return {
    n,
    rmse: Math.sqrt(sd2 / n),
    bias: mx - my,
    r2: sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : null,
    slope,
    intercept: slope === null ? null : mx - slope * my,
  };
}

/** Hours of a local day needed for its 24-hour mean: 75 % of 24 (Directive 2008/50/EC, Annex VII). */
export const DAY_HOURS_NEEDED = 18;

/** 24-hour means of local days with at least 18 compared hours. */
export function dailyMeans(
  values: readonly { t: number; x: number; y: number }[],
  timeZone: string,
): { date: string; x: number; y: number }[] {
  const days = new Map<string, { n: number; x: number; y: number }>();
  for (const v of values) {
    const date = localDate(v.t, timeZone);
    const d = days.get(date) ?? { n: 0, x: 0, y: 0 };
    d.n += 1;
    d.x += v.x;
    d.y += v.y;
    days.set(date, d);
  }
  return [...days]
    .filter(([, d]) => d.n >= DAY_HOURS_NEEDED)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, d]) => ({ date, x: d.x / d.n, y: d.y / d.n }));
}

export type AgreementPair = { hourly: Agreement; daily: Agreement };

function agreementOf(values: { t: number; x: number; y: number }[], timeZone: string): AgreementPair {
  return { hourly: agreement(values), daily: agreement(dailyMeans(values, timeZone)) };
}

export type Period = { from: number; to: number };

export type Evaluation = {
  model: Model;
  coefficients: Coefficients;
  /** Pairs the fit used, and the period they lie in. */
  training: Period & { n: number };
  /** Pairs held back (the later part of the window), and their period. */
  evaluation: Period & { n: number };
  /** On the evaluation pairs the corrected values exist for. */
  raw: AgreementPair;
  corrected: AgreementPair;
  /** The US EPA PurpleAir formula on the same hours (PM2.5 only, hours with humidity). */
  epa: AgreementPair | null;
  /** EPA target checks of the corrected 24-hour and hourly means. */
  targets: { hourly: TargetCheck; daily: TargetCheck };
};

/** Where a window is cut: the first (1 − holdout) of its time trains, the rest evaluates. */
export function splitTime(window: Period, holdout: number): number {
  const at = window.from + (window.to - window.from) * (1 - holdout);
  return Math.floor(at / HOUR_MS) * HOUR_MS;
}

/**
 * Fits the model on the pairs before `split` and evaluates it, blocked in time, on those from it:
 * a random split would let neighbouring, correlated hours sit on both sides and flatter the fit.
 */
export function fitAndEvaluate(
  pairs: readonly Pair[],
  options: { model: Model; window: Period; split: number; phenomenon: string; timeZone: string },
): Evaluation {
  const { model, window, split, timeZone } = options;
  const training = pairs.filter((p) => p.t >= window.from && p.t < split);
  const held = pairs.filter((p) => p.t >= split && p.t < window.to);
  const coefficients = fit(training, model);
  const compared: { t: number; raw: number; corrected: number; ref: number; rh: number | null }[] = [];
  for (const p of held) {
    const corrected = applyModel(coefficients, p.raw, p.rh);
    if (corrected !== null) compared.push({ t: p.t, raw: p.raw, corrected, ref: p.ref, rh: p.rh });
  }
  const withRh = compared.filter((c) => c.rh !== null);
  const epa =
    options.phenomenon === 'pm25' && withRh.length > 0
      ? agreementOf(
          withRh.map((c) => ({ t: c.t, x: epaPurpleAir(c.raw, c.rh!), y: c.ref })),
          timeZone,
        )
      : null;
  const corrected = agreementOf(
    compared.map((c) => ({ t: c.t, x: c.corrected, y: c.ref })),
    timeZone,
  );
  return {
    model,
    coefficients,
    training: { from: window.from, to: split, n: training.length },
    evaluation: { from: split, to: window.to, n: held.length },
    raw: agreementOf(
      compared.map((c) => ({ t: c.t, x: c.raw, y: c.ref })),
      timeZone,
    ),
    corrected,
    epa,
    targets: { hourly: meetsTargets(corrected.hourly), daily: meetsTargets(corrected.daily) },
  };
}
