// The French ATMO index (arrêté of 10 July 2020, in force since 1 January 2021): one value per day.
// Browser-safe. Sources: docs/methods.md, "French ATMO index".
import {
  POLLUTANTS,
  UNAVAILABLE,
  classUpTo,
  isUsable,
  snap,
  unavailableSubIndex,
  worstOf,
  type IndexResult,
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

/** 18 of 24 hourly values (75 %), the reference's data sufficiency rule for a daily mean. We apply
 * it to the daily maxima too: a maximum over a third of a day could miss the peak it reports. */
export const ATMO_MIN_HOURS = 18;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * ATMO code (1..6) of one concentration in µg/m³. The concentration is first rounded to a whole
 * number, half up, as AtmoSud does (so NO2 40.4 → 40 → 1, 40.5 → 41 → 2), then classed with
 * inclusive upper bounds. Negative values (analysers read slightly below zero in clean air) class
 * as 1; NaN and infinities cannot be classed and give 0 "Indisponible".
 */
export function atmoSubIndex(pollutant: AtmoPollutant, concentration: number): AtmoCode {
  if (!isUsable(concentration)) return 0;
  return classUpTo(ATMO_BREAKPOINTS[pollutant], Math.round(snap(concentration, 0.5)));
}

/** Hourly means of one pollutant, each keyed by the START of its hour (epoch ms, UTC). */
export type HourlySeries = ReadonlyArray<{ readonly t: number; readonly value: number }>;

/**
 * The ATMO index of one day (`YYYY-MM-DD`, UTC) from hourly means.
 *
 * Which hours belong to the day: the reference says days run 00:00–24:00 UTC and hourly value h
 * covers (h−1, h], i.e. it names an hour by its end. Souffle's store names an hour by its START
 * (as AtmoSud's `date_debut` does), so the same 24 hours are the values with t in
 * [dayStart, dayStart + 24 h): 00:00 is the first hour of the day, next day 00:00 is not.
 * A t inside an hour counts for that hour; two values for one hour count once (the later entry,
 * e.g. a corrected value, wins); NaN and infinite values are not data.
 *
 * SO2, NO2 and O3 class the day's maximum hourly mean, PM10 and PM2.5 the daily mean; each needs
 * ATMO_MIN_HOURS hours, or its sub-index is 0. The index is the worst available sub-index, with its
 * pollutant as `dominant`; with no pollutant available it is 0 "Indisponible".
 */
export function atmoDaily(hourly: Partial<Record<AtmoPollutant, HourlySeries>>, day: string): IndexResult {
  const dayStart = parseDay(day);
  const subIndices = POLLUTANTS.map((pollutant): SubIndex => {
    const hours = new Map<number, number>();
    for (const { t, value } of hourly[pollutant] ?? []) {
      if (t >= dayStart && t < dayStart + DAY_MS && isUsable(value)) {
        hours.set(Math.floor((t - dayStart) / HOUR_MS), value);
      }
    }
    if (hours.size < ATMO_MIN_HOURS) return unavailableSubIndex(pollutant);
    const values = [...hours.values()];
    const concentration =
      ATMO_DAILY_STATISTIC[pollutant] === 'max'
        ? Math.max(...values)
        : values.reduce((sum, v) => sum + v, 0) / values.length;
    return atmoEntry(pollutant, concentration);
  });
  return worstOf('atmo', subIndices);
}

function atmoEntry(pollutant: AtmoPollutant, concentration: number): SubIndex {
  const code = atmoSubIndex(pollutant, concentration);
  const { label, colour } = code === 0 ? UNAVAILABLE : ATMO_LEVELS[code - 1]!;
  const available = code !== 0;
  return { pollutant, concentration, value: available ? code : null, level: code, label, colour, available };
}

/** Epoch ms of 00:00 UTC of `day`; a malformed or impossible date (2024-02-30) is a caller's bug. */
function parseDay(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const start = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!Number.isFinite(start) || new Date(start).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`invalid day "${day}": expected an existing UTC date as YYYY-MM-DD`);
  }
  return start;
}
