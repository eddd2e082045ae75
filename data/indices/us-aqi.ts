// The US EPA Air Quality Index for particles (PM2.5 breakpoints revised 6 May 2024), and the
// NowCast that feeds it current conditions. Browser-safe.
// Sources: docs/methods.md, "US AQI and NowCast".
import {
  bandsFromUpperBounds,
  isUsable,
  snap,
  unavailableSubIndex,
  worstOf,
  type IndexBand,
  type IndexLevel,
  type IndexResult,
  type Label,
  type SubIndex,
} from './index-result.js';

export type UsAqiPollutant = 'pm25' | 'pm10';
export const US_AQI_POLLUTANTS = ['pm25', 'pm10'] as const satisfies readonly UsAqiPollutant[];

/** Categories 1..6 in order (US_AQI_CATEGORIES[level − 1]), with the AQI range each covers. */
export const US_AQI_CATEGORIES = [
  { level: 1, aqi: [0, 50], label: { fr: 'Bon', en: 'Good' }, colour: '#00E400' },
  { level: 2, aqi: [51, 100], label: { fr: 'Modéré', en: 'Moderate' }, colour: '#FFFF00' },
  {
    level: 3,
    aqi: [101, 150],
    label: { fr: 'Mauvais pour les groupes sensibles', en: 'Unhealthy for Sensitive Groups' },
    colour: '#FF7E00',
  },
  { level: 4, aqi: [151, 200], label: { fr: 'Mauvais pour la santé', en: 'Unhealthy' }, colour: '#FF0000' },
  {
    level: 5,
    aqi: [201, 300],
    label: { fr: 'Très mauvais pour la santé', en: 'Very Unhealthy' },
    colour: '#8F3F97',
  },
  { level: 6, aqi: [301, 500], label: { fr: 'Dangereux', en: 'Hazardous' }, colour: '#7E0023' },
] as const satisfies readonly {
  level: IndexLevel;
  aqi: readonly [number, number];
  label: Label;
  colour: string;
}[];

/**
 * Concentration ranges [lo, hi] (µg/m³, both inclusive after truncation) and the AQI range they map
 * to, from the 2024 table (EPA-454/B-24-002): Hazardous is one row for both pollutants, PM2.5
 * 225.5–325.4 and PM10 425–604 → 301–500 (before 2024 PM10 had two, 425–504 → 301–400 and
 * 505–604 → 401–500, which gave other values above 424).
 */
export const US_AQI_BREAKPOINTS = {
  pm25: [
    { c: [0.0, 9.0], aqi: [0, 50] },
    { c: [9.1, 35.4], aqi: [51, 100] },
    { c: [35.5, 55.4], aqi: [101, 150] },
    { c: [55.5, 125.4], aqi: [151, 200] },
    { c: [125.5, 225.4], aqi: [201, 300] },
    { c: [225.5, 325.4], aqi: [301, 500] },
  ],
  pm10: [
    { c: [0, 54], aqi: [0, 50] },
    { c: [55, 154], aqi: [51, 100] },
    { c: [155, 254], aqi: [101, 150] },
    { c: [255, 354], aqi: [151, 200] },
    { c: [355, 424], aqi: [201, 300] },
    { c: [425, 604], aqi: [301, 500] },
  ],
} as const satisfies Record<
  UsAqiPollutant,
  readonly { c: readonly [number, number]; aqi: readonly [number, number] }[]
>;

/** Decimals kept when truncating C before the formula: PM2.5 to 0.1, PM10 to 1 µg/m³. */
export const US_AQI_DECIMALS = { pm25: 1, pm10: 0 } as const satisfies Record<UsAqiPollutant, number>;

export type UsAqiValue = { value: number; level: Exclude<IndexLevel, 0>; beyondIndex: boolean };

/**
 * AQI of one concentration (µg/m³; a NowCast for current conditions, a 24-hour mean for a day).
 * C is truncated, then `AQI = (I_hi − I_lo)/(BP_hi − BP_lo) × (C − BP_lo) + I_lo` rounded half up.
 * The arithmetic runs on integers (C in tenths for PM2.5) so that no binary fraction can move a value
 * across a breakpoint. Above the top breakpoint the AQI is capped at 500 with `beyondIndex`.
 * Negative values count as 0; NaN and infinities give null.
 */
export function usAqiSubIndex(pollutant: UsAqiPollutant, concentration: number): UsAqiValue | null {
  return isUsable(concentration) ? aqiOf(pollutant, concentration) : null;
}

function aqiOf(pollutant: UsAqiPollutant, concentration: number): UsAqiValue {
  const scale = 10 ** US_AQI_DECIMALS[pollutant];
  // Truncate C (in units of 0.1 for PM2.5), forgiving float noise: 4.7 may arrive as 4.699999999999999.
  const c = Math.floor(snap(Math.max(concentration, 0) * scale, 1));
  for (const { c: range, aqi } of US_AQI_BREAKPOINTS[pollutant]) {
    const lo = Math.round(range[0] * scale);
    const hi = Math.round(range[1] * scale);
    if (c > hi) continue;
    // Round half up of aqi[0] + num/den, exactly: floor((2·num + den) / (2·den)).
    const num = (aqi[1] - aqi[0]) * (c - lo);
    const den = hi - lo;
    const value = aqi[0] + Math.floor((2 * num + den) / (2 * den));
    return { value, level: usAqiLevel(value), beyondIndex: false };
  }
  return { value: 500, level: 6, beyondIndex: true };
}

/** The category (1..6) of an AQI value. */
export function usAqiLevel(aqi: number): Exclude<IndexLevel, 0> {
  return US_AQI_CATEGORIES.find((category) => aqi <= category.aqi[1])?.level ?? 6;
}

/**
 * EPA NowCast for particles from up to 12 hourly means, `hourly[0]` the most recent (c1). Entries
 * that are null, undefined or not finite are missing hours; entries beyond the 12th are ignored.
 * w* = 1 − (cmax − cmin)/cmax, w = max(w*, 0.5) (w = 1 when cmax is 0), and
 * NowCast = Σ w^(i−1)·c_i / Σ w^(i−1) over the hours present. With fewer than 2 of the 3 most recent
 * hours present there is no NowCast (null). The result is not truncated: usAqiSubIndex does that.
 */
export function nowcast(hourly: ReadonlyArray<number | null | undefined>): number | null {
  const hours = hourly.slice(0, 12);
  if (hours.slice(0, 3).filter(isUsable).length < 2) return null;
  const present = hours.filter(isUsable);
  const cmax = Math.max(...present);
  const cmin = Math.min(...present);
  const w = cmax > 0 ? Math.max(1 - (cmax - cmin) / cmax, 0.5) : 1;
  let weighted = 0;
  let weights = 0;
  hours.forEach((c, i) => {
    if (!isUsable(c)) return;
    weighted += w ** i * c;
    weights += w ** i;
  });
  return weighted / weights;
}

/**
 * The US AQI from PM concentrations (NowCast or 24-hour means): the worst sub-index with its
 * pollutant as `dominant`, `beyondIndex` when any sub-index is capped. Missing or null → unavailable.
 */
export function usAqi(concentrations: Partial<Record<UsAqiPollutant, number | null>>): IndexResult {
  const subIndices = US_AQI_POLLUTANTS.map((pollutant): SubIndex => {
    const concentration = concentrations[pollutant];
    if (!isUsable(concentration)) return unavailableSubIndex(pollutant);
    const { value, level, beyondIndex } = aqiOf(pollutant, concentration);
    const { label, colour } = US_AQI_CATEGORIES[level - 1]!;
    return { pollutant, concentration, value, level, label, colour, available: true, beyondIndex };
  });
  return { ...worstOf('usaqi', subIndices), beyondIndex: subIndices.some((s) => s.beyondIndex === true) };
}

/** Concentration bands per category, the top one open-ended. */
export function usAqiBands(pollutant: UsAqiPollutant): IndexBand[] {
  const rows = US_AQI_BREAKPOINTS[pollutant];
  const upperBounds = US_AQI_CATEGORIES.slice(0, -1).map(({ aqi }) =>
    Math.max(...rows.filter((row) => row.aqi[1] <= aqi[1]).map((row) => row.c[1])),
  );
  return bandsFromUpperBounds(upperBounds, US_AQI_CATEGORIES);
}
