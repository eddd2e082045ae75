// Air-quality indices as pure functions over numbers: the French ATMO index, the European AQI
// (EEA 2024), the US AQI (EPA 2024) with the NowCast, and the WHO 2021 guidelines as data.
// Browser-safe: the widgets import this file, so it and everything under indices/ import nothing
// from Node or from the database. Sources: docs/methods.md.
// An index computed from a citizen sensor is indicative, never official: callers must say so.
import { ATMO_BREAKPOINTS, ATMO_LEVELS } from './indices/atmo.js';
import { EAQI_BREAKPOINTS, EAQI_LEVELS } from './indices/eaqi.js';
import { bandsFromUpperBounds, type IndexBand, type IndexScheme } from './indices/index-result.js';
import { US_AQI_BREAKPOINTS, usAqiBands } from './indices/us-aqi.js';

export {
  INDEX_LEVELS,
  INDEX_SCHEMES,
  POLLUTANTS,
  UNAVAILABLE,
  UNAVAILABLE_REASONS,
  type HourlyIndex,
  type IndexBand,
  type IndexInput,
  type IndexLevel,
  type IndexResult,
  type IndexScheme,
  type Label,
  type Pollutant,
  type SubIndex,
  type UnavailableReason,
} from './indices/index-result.js';
export { DAILY_COVERAGE, hourInProgress, hoursNeededFor } from './indices/data-sufficiency.js';
export { hoursBetween, type HourlyMeans, type HourlySeries } from './indices/hourly-means.js';
export {
  EAQI_RECENT_HOURS,
  NOWCAST_HOURS,
  atmoNow,
  atmoNowFrom,
  eaqiNow,
  todayMayHaveAtmo,
  usAqiNow,
  usAqiOfDay,
  type AtmoDay,
  type IndexOptions,
} from './indices/indices-of-now.js';
export {
  ATMO_BREAKPOINTS,
  ATMO_DAILY_STATISTIC,
  ATMO_LEVELS,
  atmoDaily,
  atmoSubIndex,
  type AtmoCode,
  type AtmoOptions,
  type AtmoPollutant,
} from './indices/atmo.js';
export {
  EAQI_BREAKPOINTS,
  EAQI_LEVELS,
  eaqi,
  eaqiSubIndex,
  type EaqiBand,
  type EaqiPollutant,
} from './indices/eaqi.js';
export {
  US_AQI_BREAKPOINTS,
  US_AQI_CATEGORIES,
  US_AQI_DECIMALS,
  US_AQI_POLLUTANTS,
  nowcast,
  usAqi,
  usAqiLevel,
  usAqiSubIndex,
  type UsAqiPollutant,
  type UsAqiValue,
} from './indices/us-aqi.js';
export { WHO_GUIDELINES, type WhoAveraging, type WhoGuideline } from './indices/who-guidelines.js';

const has = <K extends string>(table: Record<K, unknown>, key: string): key is K =>
  Object.prototype.hasOwnProperty.call(table, key);

/**
 * The bands of `scheme` for one phenomenon code, lowest first, for chart backgrounds and legends:
 * contiguous intervals (from exclusive, to inclusive, as published), the top one open-ended
 * (`to: null`). Exact classing at an edge follows each scheme's rule (US AQI truncates first), so
 * use the sub-index functions, not these bands, to class a value.
 * A phenomenon the scheme does not class (temperature, or NO2 in the US AQI) has no bands: [].
 */
export function indexBands(scheme: IndexScheme, pollutant: string): IndexBand[] {
  switch (scheme) {
    case 'atmo':
      return has(ATMO_BREAKPOINTS, pollutant)
        ? bandsFromUpperBounds(ATMO_BREAKPOINTS[pollutant], ATMO_LEVELS)
        : [];
    case 'eaqi':
      return has(EAQI_BREAKPOINTS, pollutant)
        ? bandsFromUpperBounds(EAQI_BREAKPOINTS[pollutant], EAQI_LEVELS)
        : [];
    case 'usaqi':
      return has(US_AQI_BREAKPOINTS, pollutant) ? usAqiBands(pollutant) : [];
  }
}
