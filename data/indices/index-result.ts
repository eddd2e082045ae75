// The shape every air-quality index returns (ATMO, EAQI, US AQI), so that a widget draws any of them
// with the same code. Browser-safe: no imports. Sources: docs/methods.md.

// The pollutants live in their own module (no imports either), so that the widget entry can name
// them without the code below; re-exported here as before.
import type { Pollutant } from './pollutants.js';
export { POLLUTANTS, type Pollutant } from './pollutants.js';

export const INDEX_SCHEMES = ['atmo', 'eaqi', 'usaqi'] as const;
export type IndexScheme = (typeof INDEX_SCHEMES)[number];

export type Label = { readonly fr: string; readonly en: string };

/**
 * Why an index is 0 "Indisponible" (docs/methods.md, "Data sufficiency"):
 * - `not-enough-hours`: a daily value (ATMO, US AQI of a day) has fewer hourly means of every
 *   pollutant than 75 % of the local day's hours;
 * - `no-pollutant`: the station measures none of the pollutants the scheme classes;
 * - `no-recent-hour`: an index of now (EAQI, NowCast) finds no recent enough completed hour.
 */
export const UNAVAILABLE_REASONS = ['not-enough-hours', 'no-pollutant', 'no-recent-hour'] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

/** 0 = unavailable (not enough data); 1..6 from best to worst, in every scheme. */
export const INDEX_LEVELS = [0, 1, 2, 3, 4, 5, 6] as const;
export type IndexLevel = (typeof INDEX_LEVELS)[number];

export type SubIndex = {
  pollutant: Pollutant;
  /** The concentration that was classed (µg/m³): for ATMO the day's max or mean, else the input. */
  concentration: number | null;
  /** ATMO code or EAQI band (both equal to `level`), or the US AQI number; null when unavailable. */
  value: number | null;
  level: IndexLevel;
  label: Label;
  colour: string;
  available: boolean;
  /** US AQI only: the concentration is above the top breakpoint, so `value` is capped at 500. */
  beyondIndex?: boolean;
};

export type IndexResult = {
  scheme: IndexScheme;
  available: boolean;
  /** The worst sub-index's value (see SubIndex.value); null when no pollutant is available. */
  value: number | null;
  level: IndexLevel;
  label: Label;
  colour: string;
  /** The pollutant that drives the index (the reference asks us to report it). */
  dominant: Pollutant | null;
  /** One entry per pollutant the scheme classes (PM2.5 and PM10 only for US AQI), in POLLUTANTS
   * order, available or not. */
  subIndices: SubIndex[];
  /** US AQI only: some sub-index is beyond the index (capped at 500). */
  beyondIndex?: boolean;
  /** The pollutants that had a sub-index, in POLLUTANTS order. */
  pollutants: Pollutant[];
  /** Available, but some pollutant the scheme classes had no sub-index: a PM-only sensor's ATMO
   * is an ATMO of particles only, not the index of the five pollutants. */
  partial: boolean;
  /** Only when unavailable (level 0): why. */
  reason?: UnavailableReason;
};

/** What one pollutant brought to an index computed from hourly means. */
export type IndexInput = {
  pollutant: Pollutant;
  /** The concentration classed (µg/m³): the day's maximum or mean (ATMO), the latest completed
   * hour's mean (EAQI), the NowCast or the day's mean (US AQI); null when the hours fall short. */
  value: number | null;
  /** Hourly means used (for the NowCast: those present among the last 12). */
  hours: number;
  /** Hourly means needed: 75 % of the local day's hours for a daily value, 1 for the EAQI, 2 of
   * the 3 most recent for the NowCast. */
  needed: number;
  /** Start of the first hour used and end of the last one, epoch ms UTC. */
  from: number;
  until: number;
  /** Of the hours used, those holding PM readings flagged humid, not corrected for humidity. */
  humidHours: number;
};

/** An index computed from hourly means, with the evidence it rests on. */
export type HourlyIndex = IndexResult & {
  /** The hours the index was computed over, epoch ms UTC, end exclusive: a daily index's local day
   * (up to the hour in progress when the day is today), an hourly index's hours. */
  from: number;
  until: number;
  /** One entry per pollutant of the scheme that had any hourly mean in those hours. */
  inputs: IndexInput[];
};

/** One class of a scheme, as a concentration interval, for legends and chart backgrounds. */
export type IndexBand = {
  /** Exclusive lower bound (0 for the first band). */
  from: number;
  /** Inclusive upper bound as published; null for the open-ended top band. */
  to: number | null;
  level: IndexLevel;
  label: Label;
  colour: string;
};

/** ATMO's state 0 "Indisponible"; the other schemes use it too when data are missing. */
export const UNAVAILABLE = {
  level: 0,
  label: { fr: 'Indisponible', en: 'Unavailable' },
  colour: '#DDDDDD',
} as const;

/** A concentration a scheme cannot class: NaN or infinite (null and undefined mean "not measured"). */
export function isUsable(c: number | null | undefined): c is number {
  return typeof c === 'number' && Number.isFinite(c);
}

export function unavailableSubIndex(pollutant: Pollutant): SubIndex {
  const { level, label, colour } = UNAVAILABLE;
  return { pollutant, concentration: null, value: null, level, label, colour, available: false };
}

/**
 * The overall index is the worst (highest) available sub-index, and its pollutant is the dominant
 * one (reference, first paragraph). On a tie the first in POLLUTANTS order wins, so the result does
 * not depend on the order of the caller's object keys. With no sub-index it is 0 with `reason`
 * (by default `no-pollutant`: the caller gave no usable concentration).
 */
export function worstOf(
  scheme: IndexScheme,
  subIndices: SubIndex[],
  reason: UnavailableReason = 'no-pollutant',
): IndexResult {
  let worst: SubIndex | undefined;
  for (const s of subIndices) {
    if (s.available && s.value !== null && (worst === undefined || s.value > (worst.value ?? -Infinity))) {
      worst = s;
    }
  }
  const pollutants = subIndices.filter((s) => s.available).map((s) => s.pollutant);
  if (worst === undefined) {
    const { level, label, colour } = UNAVAILABLE;
    return {
      scheme,
      available: false,
      value: null,
      level,
      label,
      colour,
      dominant: null,
      subIndices,
      pollutants,
      partial: false,
      reason,
    };
  }
  const { value, level, label, colour, pollutant } = worst;
  const partial = pollutants.length < subIndices.length;
  return {
    scheme,
    available: true,
    value,
    level,
    label,
    colour,
    dominant: pollutant,
    subIndices,
    pollutants,
    partial,
  };
}

/**
 * `x`, or the nearest multiple of `step` when `x` is within float noise of it (1e-9 relative).
 * Decimal data land a hair off the value they stand for ((125.5 / 7) × 7 = 125.49999999999999), and
 * a rounding or truncation at exactly that value would then tip to the wrong side of a breakpoint.
 */
export function snap(x: number, step: number): number {
  const nearest = Math.round(x / step) * step;
  return Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x)) ? nearest : x;
}

/** Index of the first inclusive upper bound that `c` does not exceed, as a level (1-based). */
export function classUpTo(upperBounds: readonly number[], c: number): Exclude<IndexLevel, 0> {
  const i = upperBounds.findIndex((upper) => c <= upper);
  return (i === -1 ? upperBounds.length + 1 : i + 1) as Exclude<IndexLevel, 0>;
}

/** Turns the upper bounds of levels 1..n−1 into n contiguous bands, the last one open-ended. */
export function bandsFromUpperBounds(
  upperBounds: readonly number[],
  levels: readonly { readonly label: Label; readonly colour: string }[],
): IndexBand[] {
  return levels.map(({ label, colour }, i) => ({
    from: i === 0 ? 0 : (upperBounds[i - 1] ?? 0),
    to: upperBounds[i] ?? null,
    level: (i + 1) as IndexLevel,
    label,
    colour,
  }));
}
