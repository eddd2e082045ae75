// The European Air Quality Index (EEA), 2024 revision: six bands from hourly concentrations.
// Browser-safe. Sources: docs/methods.md, "European Air Quality Index".
import {
  POLLUTANTS,
  classUpTo,
  isUsable,
  unavailableSubIndex,
  worstOf,
  type IndexLevel,
  type IndexResult,
  type Label,
  type Pollutant,
  type SubIndex,
} from './index-result.js';

export type EaqiPollutant = Pollutant;

/** 1 Good … 6 Extremely poor; 0 when the concentration cannot be classed. */
export type EaqiBand = IndexLevel;

/** Bands 1..6 in order (EAQI_LEVELS[band − 1]). Colours are the EEA's palette; the French labels
 * use ATMO's words for the same ranks, so a French reader sees one vocabulary. */
export const EAQI_LEVELS = [
  { band: 1, label: { fr: 'Bon', en: 'Good' }, colour: '#50F0E6' },
  { band: 2, label: { fr: 'Moyen', en: 'Fair' }, colour: '#50CCAA' },
  { band: 3, label: { fr: 'Dégradé', en: 'Moderate' }, colour: '#F0E641' },
  { band: 4, label: { fr: 'Mauvais', en: 'Poor' }, colour: '#FF5050' },
  { band: 5, label: { fr: 'Très mauvais', en: 'Very poor' }, colour: '#960032' },
  { band: 6, label: { fr: 'Extrêmement mauvais', en: 'Extremely poor' }, colour: '#7D2181' },
] as const satisfies readonly { band: EaqiBand; label: Label; colour: string }[];

/**
 * Upper bounds (µg/m³) of bands 1..5; above the last one is band 6. The EEA table writes
 * "0–5, 5–15": we read the shared bound as belonging to the lower band (5 is Good, 5.01 Fair),
 * as the reference's rule "a class's upper bound is inclusive" says. No rounding before classing.
 */
export const EAQI_BREAKPOINTS = {
  pm25: [5, 15, 50, 90, 140],
  pm10: [15, 45, 120, 195, 270],
  no2: [10, 25, 60, 100, 150],
  o3: [60, 100, 120, 160, 180],
  so2: [20, 40, 125, 190, 275],
} as const satisfies Record<EaqiPollutant, readonly number[]>;

/**
 * EAQI band (1..6) of one hourly concentration in µg/m³. Negative values class as 1 (Good); NaN and
 * infinities give 0 (unavailable).
 */
export function eaqiSubIndex(pollutant: EaqiPollutant, concentration: number): EaqiBand {
  if (!isUsable(concentration)) return 0;
  return classUpTo(EAQI_BREAKPOINTS[pollutant], concentration);
}

/**
 * The EAQI from one hour's concentrations (µg/m³). A missing, null or non-finite pollutant is
 * unavailable; the index is the worst available band, with its pollutant as `dominant`.
 */
export function eaqi(concentrations: Partial<Record<EaqiPollutant, number | null>>): IndexResult {
  const subIndices = POLLUTANTS.map((pollutant): SubIndex => {
    const c = concentrations[pollutant];
    if (!isUsable(c)) return unavailableSubIndex(pollutant);
    const band = classUpTo(EAQI_BREAKPOINTS[pollutant], c);
    const { label, colour } = EAQI_LEVELS[band - 1]!;
    return { pollutant, concentration: c, value: band, level: band, label, colour, available: true };
  });
  return worstOf('eaqi', subIndices);
}
