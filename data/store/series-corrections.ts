// What a reader needs to show a citizen series corrected: its active calibration versions and,
// for a humidity model, the station's hourly mean humidity over the period read. One call per
// series read; nothing when the series has no calibration (the common case: one indexed query).
import type { Kysely } from 'kysely';
import type { Correction } from '../calibration/correct-points.js';
import { HOUR_MS } from '../hourly-validity.js';
import type { Database } from '../schema.js';
import { activeCalibrations, calibrationKey } from './calibrations.js';

export type SeriesCorrection = {
  corrections: Correction[];
  humidityAt?: (hour: number) => number | null;
};

/** The series' corrections over [from, to), or null when no calibration applies to it. */
export async function seriesCorrection(
  db: Kysely<Database>,
  q: { stationId: string; phenomenon: string; sensor: string; from: number; to: number },
): Promise<SeriesCorrection | null> {
  const active = (await activeCalibrations(db, [q.stationId])).get(
    calibrationKey(q.stationId, q.phenomenon, q.sensor),
  );
  if (!active) return null;
  const corrections = active.filter((c) => c.validFrom < q.to && (c.validTo === null || c.validTo > q.from));
  if (corrections.length === 0) return null;
  if (!corrections.some((c) => c.coefficients.b !== undefined)) return { corrections };
  // Hourly means of the station's humidity series with the most hours in the period.
  const rows = await db
    .selectFrom('rollups_hourly as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['r.series_id', 'r.bucket', 'r.n', 'r.sum'])
    .where('s.station_id', '=', q.stationId)
    .where('s.phenomenon', '=', 'humidity')
    .where('r.bucket', '>=', Math.floor(q.from / HOUR_MS) * HOUR_MS)
    .where('r.bucket', '<', q.to)
    .where('r.n', '>', 0)
    .execute();
  const bySeries = new Map<number, Map<number, number>>();
  for (const r of rows) {
    const m = bySeries.get(r.series_id) ?? new Map<number, number>();
    m.set(Number(r.bucket), r.sum / Number(r.n));
    bySeries.set(r.series_id, m);
  }
  const hours = [...bySeries.values()].sort((a, b) => b.size - a.size)[0] ?? new Map<number, number>();
  return { corrections, humidityAt: (hour) => hours.get(hour) ?? null };
}
