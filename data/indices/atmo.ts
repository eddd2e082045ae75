// The French ATMO index (arrêté of 10 July 2020, in force since 1 January 2021): one value per local day.
// Browser-safe. Sources: docs/methods.md, "French ATMO index".
import type { LocalDay } from '../local-days.js';
import { hourInProgress, hoursNeededFor } from './data-sufficiency.js';
import { hoursBetween, inputOf, measuresAny, type HourlyMeans } from './hourly-means.js';
import {
  POLLUTANTS,
  UNAVAILABLE,
  classUpTo,
  isUsable,
  unavailableSubIndex,
  worstOf,
  type HourlyIndex,
  type IndexInput,
  type Label,
  type SubIndex,
} from './index-result.js';

export type AtmoPollutant = 'so2' | 'no2' | 'o3' | 'pm10' | 'pm25';

/** 0 "Indisponible", 1 "Bon" … 6 "Extrêmement mauvais". States 7–8 ("Événement") are declared by
 * the monitoring body for incidents, never computed from concentrations, so they are not here. */
export type AtmoCode = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Codes 1..6 in order (ATMO_LEVELS[code − 1]); code 0 is UNAVAILABLE. */
export const ATMO_LEVELS = [
  { code: 1, label: { fr: 'Bon', en: 'Good' }, colour: '#50F0E6' },
  { code: 2, label: { fr: 'Moyen', en: 'Fair' }, colour: '#50CCAA' },
  { code: 3, label: { fr: 'Dégradé', en: 'Degraded' }, colour: '#F0E641' },
  { code: 4, label: { fr: 'Mauvais', en: 'Poor' }, colour: '#FF5050' },
  { code: 5, label: { fr: 'Très mauvais', en: 'Very poor' }, colour: '#960032' },
  { code: 6, label: { fr: 'Extrêmement mauvais', en: 'Extremely poor' }, colour: '#872181' },
] as const satisfies readonly { code: AtmoCode; label: Label; colour: string }[];

/** Inclusive upper bounds (µg/m³) of codes 1..5; above the last one is code 6. */
export const ATMO_BREAKPOINTS = {
  so2: [100, 200, 350, 500, 750],
  no2: [40, 90, 120, 230, 340],
  o3: [50, 100, 130, 240, 380],
  pm10: [20, 40, 50, 100, 150],
  pm25: [10, 20, 25, 50, 75],
} as const satisfies Record<AtmoPollutant, readonly number[]>;

/** How the day's hourly means become the concentration that is classed (reference, ATMO). */
export const ATMO_DAILY_STATISTIC = {
  so2: 'max',
  no2: 'max',
  o3: 'max',
  pm10: 'mean',
  pm25: 'mean',
} as const satisfies Record<AtmoPollutant, 'max' | 'mean'>;

/**
 * ATMO code (1..6) of one concentration in µg/m³, classed as measured with inclusive upper bounds:
 * the arrêté gives strict inequalities ("x < c ≤ y") and no rounding step, so NO2 40.0 is 1 "Bon"
 * and 40.1 is 2 "Moyen". Negative values (analysers read slightly below zero in clean air) class as
 * 1; NaN and infinities cannot be classed and give 0 "Indisponible".
 */
export function atmoSubIndex(pollutant: AtmoPollutant, concentration: number): AtmoCode {
  if (!isUsable(concentration)) return 0;
  return classUpTo(ATMO_BREAKPOINTS[pollutant], concentration);
}

export type AtmoOptions = {
  /** Now (epoch ms): the hour in progress and later ones are not complete and are not used, so a
   * day that is today is computed over its completed hours. Default: every hour of the day counts. */
  now?: number;
  /** The phenomena the station measures, to tell `no-pollutant` from `not-enough-hours`. */
  measured?: readonly string[];
};

/**
 * The ATMO index of local day `day` (data/local-days.ts: 23, 24 or 25 hours) from hourly means.
 *
 * Which hours belong to the day: Souffle's store names an hour by its START (as AtmoSud's
 * `date_debut` does), so the day's hours are those starting in [day.start, day.end): local midnight
 * is the first hour, the next local midnight is not. A reading at 23:30 UTC in July is at 01:30 in
 * Paris, so it belongs to the next local day.
 *
 * SO2, NO2 and O3 class the day's maximum hourly mean, PM10 and PM2.5 the daily mean; each needs
 * hoursNeededFor(day) hourly means (75 % of the day's hours; we apply the rule to the maxima too: a
 * maximum over a third of a day could miss the peak it reports), or its sub-index is 0. The index
 * is the worst available sub-index, with its pollutant as `dominant`, `partial` when some
 * pollutant had none (a PM-only sensor gives an ATMO of particles only); with none, it is 0
 * "Indisponible" with its reason.
 */
export function atmoDaily(hourly: HourlyMeans, day: LocalDay, options: AtmoOptions = {}): HourlyIndex {
  const needed = hoursNeededFor(day);
  const until =
    options.now === undefined ? day.end : Math.max(day.start, Math.min(day.end, hourInProgress(options.now)));
  const inputs: IndexInput[] = [];
  const subIndices = POLLUTANTS.map((pollutant): SubIndex => {
    const hours = hoursBetween(hourly[pollutant], day.start, until);
    const values = [...hours.values()];
    const concentration =
      hours.size < needed
        ? null
        : ATMO_DAILY_STATISTIC[pollutant] === 'max'
          ? Math.max(...values)
          : values.reduce((sum, v) => sum + v, 0) / values.length;
    const input = inputOf(pollutant, hours, concentration, needed, hourly[pollutant]);
    if (input) inputs.push(input);
    return concentration === null ? unavailableSubIndex(pollutant) : atmoEntry(pollutant, concentration);
  });
  const reason = measuresAny(POLLUTANTS, hourly, options.measured) ? 'not-enough-hours' : 'no-pollutant';
  return { ...worstOf('atmo', subIndices, reason), from: day.start, until, inputs };
}

function atmoEntry(pollutant: AtmoPollutant, concentration: number): SubIndex {
  const code = atmoSubIndex(pollutant, concentration);
  const { label, colour } = code === 0 ? UNAVAILABLE : ATMO_LEVELS[code - 1]!;
  const available = code !== 0;
  return { pollutant, concentration, value: available ? code : null, level: code, label, colour, available };
}
