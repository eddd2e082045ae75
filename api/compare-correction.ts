// The seam between /compare and co-location calibration (issue 14, item 4): the corrected hourly
// means of a station's phenomenon, when an active calibration (data/store/calibrations.ts, made by
// `souffle calibrate --apply`) applies to them. Each hour is corrected by the version valid at it.
// The models are linear in the raw value, so correcting an hourly mean equals the mean of the
// corrected readings; `linear-rh` also needs the hour's mean humidity, and an hour without one
// stays uncorrected (absent), as the calibration documents (docs/methods.md, Calibration).
import type { Kysely } from 'kysely';
import { applyModel } from '../data/calibration/fit.js';
import type { Database } from '../data/schema.js';
import { activeCalibrations, type ActiveCalibration } from '../data/store/calibrations.js';
import { pooledHourly } from './pooled-hourly.js';

export type HourlyCorrection = {
  /** The calibration applied (the newest version when several cover the window). */
  calibrationId: string;
  /** What was applied, in one sentence. */
  description: string;
  /** The corrected hourly means: bucket start → value (absent where it cannot be corrected). */
  values: Map<number, number>;
};

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

const describe = (c: ActiveCalibration) =>
  `calibration ${c.id}, ${c.model} fit against ${c.referenceStationId} on ${day(c.fit.from)} – ${day(c.fit.to)}`;

export async function correctHourly(
  db: Kysely<Database>,
  query: { stationId: string; phenomenon: string; hourly: ReadonlyMap<number, number>; now: number },
): Promise<HourlyCorrection | null> {
  const series = await db
    .selectFrom('series')
    .select('sensor')
    .where('station_id', '=', query.stationId)
    .where('phenomenon', '=', query.phenomenon)
    .execute();
  // The hourly means pool a station's sensors; a calibration is one sensor's. With several sensors
  // of the phenomenon the pooled mean is no one sensor's, so nothing is corrected rather than
  // applying one sensor's coefficients to another's readings.
  if (series.length !== 1) return null;
  const active = await activeCalibrations(db, [query.stationId]);
  const versions = [...active.values()]
    .flat()
    .filter((c) => c.phenomenon === query.phenomenon && c.sensor === series[0]!.sensor);
  if (versions.length === 0 || query.hourly.size === 0) return null;
  const hours = [...query.hourly.keys()];
  const needsHumidity = versions.some((v) => v.coefficients.b !== undefined);
  const humidity = needsHumidity
    ? await pooledHourly(db, {
        stationId: query.stationId,
        phenomenon: 'humidity',
        from: Math.min(...hours),
        to: Math.max(...hours) + 3_600_000,
        now: query.now,
      })
    : new Map<number, number>();
  const values = new Map<number, number>();
  let used: ActiveCalibration | undefined;
  for (const [t, raw] of query.hourly) {
    const v = versions.find((c) => c.validFrom <= t && (c.validTo === null || t < c.validTo));
    if (!v) continue;
    const corrected = applyModel(v.coefficients, raw, humidity.get(t) ?? null);
    if (corrected === null) continue;
    values.set(t, corrected);
    if (!used || v.validFrom > used.validFrom) used = v;
  }
  if (!used) return null;
  return { calibrationId: String(used.id), description: describe(used), values };
}
