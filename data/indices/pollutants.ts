// The pollutants the indices class, on their own so that the widget entry can name them without
// the indices' tables (data/indices.ts re-exports them). Browser-safe: no imports.

/** The pollutants the indices class, as phenomenon codes (data/phenomena.ts), in tie-break order. */
export const POLLUTANTS = ['pm25', 'pm10', 'no2', 'o3', 'so2'] as const;
export type Pollutant = (typeof POLLUTANTS)[number];
