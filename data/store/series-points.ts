// The points a series is read back as, and an hourly rollup row turned into one with its
// statistics (docs/methods.md, "How Souffle computes"). Shared by /series, the exports and the
// daily values.
import { SLOTS_PER_HOUR, isValidHour, slotCount } from '../hourly-validity.js';

export type Point = {
  /** Start of the hour or local day (means) or the reading's time (raw), epoch ms UTC. */
  t: number;
  /** The reading (raw) or the mean; null for a bucket whose readings were all left out (n = 0). */
  value: number | null;
  min: number | null;
  max: number | null;
  /** Readings in the mean (raw: 1). */
  n: number;
  /** Raw points only. */
  flags?: number;
  validation?: string | null;
  /** Means only: sample standard deviation (null below 2 values). */
  sd?: number | null;
  /** Means only: covered 5-minute slots / 12 (1h), valid hours / hours of the day (1d). */
  coverage?: number;
  /** Means only: a valid hourly mean (45 min covered, hour over) or daily value (75 % of hours). */
  valid?: boolean;
  /** Means only: readings left out of the mean for a flag (data/flags.ts, EXCLUDED_FROM_MEANS). */
  nFlagged?: number;
  /** Means only: readings in the mean flagged humid. */
  nHumid?: number;
  /**
   * Daily, monthly, yearly values: the local date (`YYYY-MM-DD`), month (`YYYY-MM`) or year (`YYYY`),
   * the period's end (exclusive), its valid and expected hours.
   */
  date?: string;
  end?: number;
  validHours?: number;
  expectedHours?: number;
  /** Steps 1d, 1mo, 1y: exact quantiles (Hyndman–Fan type 7) of the valid hourly means. */
  q02?: number | null;
  q25?: number | null;
  median?: number | null;
  q75?: number | null;
  q98?: number | null;
  /** Corrected points only (data/calibration/correct-points.ts): the value before correction. */
  raw?: number | null;
  /** Corrected points only: the calibration that corrected it. */
  calibrationId?: number;
};

/** An hourly rollup row as stored. */
export type HourRow = {
  bucket: number;
  n: number;
  sum: number;
  min: number | null;
  max: number | null;
  sum_sq: number;
  slots: number;
  n_flagged: number;
  n_humid: number;
};

export const HOUR_ROW_COLUMNS = [
  'bucket',
  'n',
  'sum',
  'min',
  'max',
  'sum_sq',
  'slots',
  'n_flagged',
  'n_humid',
] as const;

/** Sample standard deviation from n, Σx and Σx² (clamped at 0 against rounding). */
export function sdOf(n: number, sum: number, sumSq: number): number | null {
  if (n < 2) return null;
  return Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)));
}

/** An hourly rollup as a point with its statistics. */
export function hourPoint(r: HourRow, now: number): Point {
  return {
    t: r.bucket,
    value: r.n > 0 ? r.sum / r.n : null,
    min: r.min,
    max: r.max,
    n: r.n,
    sd: sdOf(r.n, r.sum, r.sum_sq),
    coverage: slotCount(r.slots) / SLOTS_PER_HOUR,
    valid: isValidHour(r, now),
    nFlagged: r.n_flagged,
    nHumid: r.n_humid,
  };
}
