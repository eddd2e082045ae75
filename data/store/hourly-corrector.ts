// Corrected hourly means for the indices (api/station-indices.ts, api/station-list-indices.ts):
// the active calibration of each series applied to its valid hourly means before a station's
// sensors are pooled, as /latest, /series, /compare and the exports show them. The models are
// linear in the raw value, so correcting an hourly mean equals averaging the corrected readings;
// a humidity model needs the hour's humidity and leaves an hour without one as measured.
import type { Kysely } from 'kysely';
import { correctionAt } from '../calibration/correct-points.js';
import { applyModel } from '../calibration/fit.js';
import type { Database } from '../schema.js';
import { activeCalibrations, calibrationKey } from './calibrations.js';
import { seriesCorrection, type SeriesCorrection } from './series-corrections.js';

/** One hourly mean corrected: the value and the calibration that made it. */
export type CorrectedHour = { value: number; calibrationId: number };

/** Corrects one series' hourly mean, or returns null when no calibration applies to that hour. */
export type HourlyCorrector = (
  series: { stationId: string; phenomenon: string; sensor: string },
  hour: number,
  mean: number,
) => CorrectedHour | null;

/**
 * The corrector of the stations' series over hours in [from, to), or null when none of them has
 * an active calibration (the common case: one small query on the calibrations table).
 */
export async function hourlyCorrector(
  db: Kysely<Database>,
  q: { stationIds: readonly string[]; from: number; to: number },
): Promise<HourlyCorrector | null> {
  // The calibrated stations are few: ask which first, rather than bind every listed station.
  const calibrated = await db
    .selectFrom('calibrations')
    .select('station_id')
    .distinct()
    .where('active', '=', 1)
    .execute();
  const wanted = new Set(q.stationIds);
  const ids = calibrated.map((r) => r.station_id).filter((id) => wanted.has(id));
  if (ids.length === 0) return null;
  const active = await activeCalibrations(db, ids);
  const bySeries = new Map<string, SeriesCorrection>();
  for (const [key, versions] of active) {
    const [stationId, phenomenon, sensor] = key.split('\u0000') as [string, string, string];
    if (!versions.some((v) => v.validFrom < q.to && (v.validTo === null || v.validTo > q.from))) continue;
    // A humidity model needs the station's hourly humidity: read only for those series.
    const correction = versions.some((v) => v.coefficients.b !== undefined)
      ? await seriesCorrection(db, { stationId, phenomenon, sensor, from: q.from, to: q.to })
      : { corrections: versions };
    if (correction) bySeries.set(key, correction);
  }
  if (bySeries.size === 0) return null;
  return (series, hour, mean) => {
    const correction = bySeries.get(calibrationKey(series.stationId, series.phenomenon, series.sensor));
    if (!correction) return null;
    const version = correctionAt(correction.corrections, hour);
    if (!version) return null;
    const rh = version.coefficients.b === undefined ? null : (correction.humidityAt?.(hour) ?? null);
    const value = applyModel(version.coefficients, mean, rh);
    return value === null ? null : { value, calibrationId: version.id };
  };
}
