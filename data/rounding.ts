// Every number the API, the exports and the widgets give out is rounded to its phenomenon's
// decimals (data/phenomena.ts): an hourly mean of three readings is 53.9, not 53.90066666666667.
// The digits beyond a sensor's resolution carry no information and make a CSV unreadable.
// Internally (indices, rollups) the exact values are kept; only outputs are rounded. Browser-safe.
import { getPhenomenon } from './phenomena.js';

/** Decimals of a phenomenon's values; 1 for a code the registry does not know. */
export function decimalsOf(code: string): number {
  return getPhenomenon(code)?.decimals ?? 1;
}

/** `value` rounded to `decimals` (half away from zero, as people round); null stays null. */
export function roundTo<T extends number | null | undefined>(value: T, decimals: number): T {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  const f = 10 ** decimals;
  return ((Math.sign(value) * Math.round(Math.abs(value) * f)) / f) as T;
}

/** The members of a point or an export row that hold concentrations (not counts or fractions). */
const VALUE_FIELDS = ['value', 'min', 'max', 'sd', 'reference', 'q02', 'q25', 'median', 'q75', 'q98', 'raw'];

/**
 * Rounds the value members of each object in place (no copies: a year of hourly points is 8 760
 * objects, and the API's series answer is built without spreads for that reason). The standard
 * deviation keeps one more decimal, since it describes a spread smaller than the values.
 */
export function roundValuesInPlace<A extends readonly object[]>(items: A, decimals: number): A {
  for (const item of items) {
    const record = item as Record<string, unknown>;
    for (const field of VALUE_FIELDS) {
      const v = record[field];
      if (typeof v === 'number') record[field] = roundTo(v, field === 'sd' ? decimals + 1 : decimals);
    }
  }
  return items;
}
