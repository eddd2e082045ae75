// WHO global air quality guidelines (2021), as data for reference lines in charts. Browser-safe.
// Sources: docs/methods.md (WHO global air quality guidelines, 2021).

export type WhoAveraging = 'annual' | '24h' | '8h' | 'peak-season';

export type WhoGuideline = {
  readonly averaging: WhoAveraging;
  readonly value: number;
  /** µg/m³, except CO in mg/m³ (the canonical units of data/phenomena.ts). */
  readonly unit: 'µg/m³' | 'mg/m³';
};

/**
 * Guideline values per phenomenon code. Short-term (24 h, 8 h) values are 99th percentiles, i.e.
 * 3–4 exceedance days a year are tolerated; O3 "peak-season" is the mean of the daily maximum
 * 8-hour means over the six consecutive months with the highest six-month running mean (WHO 2021).
 */
export const WHO_GUIDELINES = {
  pm25: [
    { averaging: 'annual', value: 5, unit: 'µg/m³' },
    { averaging: '24h', value: 15, unit: 'µg/m³' },
  ],
  pm10: [
    { averaging: 'annual', value: 15, unit: 'µg/m³' },
    { averaging: '24h', value: 45, unit: 'µg/m³' },
  ],
  no2: [
    { averaging: 'annual', value: 10, unit: 'µg/m³' },
    { averaging: '24h', value: 25, unit: 'µg/m³' },
  ],
  o3: [
    { averaging: '8h', value: 100, unit: 'µg/m³' },
    { averaging: 'peak-season', value: 60, unit: 'µg/m³' },
  ],
  so2: [{ averaging: '24h', value: 40, unit: 'µg/m³' }],
  co: [{ averaging: '24h', value: 4, unit: 'mg/m³' }],
} as const satisfies Record<string, readonly WhoGuideline[]>;
