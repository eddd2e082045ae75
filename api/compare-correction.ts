// The seam between /compare and co-location calibration (issue 14, item 4): the corrected hourly
// means of a station's phenomenon, when a calibration applies to it. The calibrations themselves
// (fitting, storage, correct-points) belong to data/calibration/, which lands separately; until it
// is wired in here, no station has a calibration and /compare answers `correction: null`, saying
// so rather than showing raw values as if corrected.
import type { Kysely } from 'kysely';
import type { Database } from '../data/schema.js';

export type HourlyCorrection = {
  /** The calibration applied, as the calibrations endpoint names it. */
  calibrationId: string;
  /** What was applied, in one sentence ("linear fit against atmosud-FR03043, 2019-08-01 → 08-15"). */
  description: string;
  /** The corrected hourly means: bucket start → value (absent where it cannot be corrected). */
  values: Map<number, number>;
};

export type HourlyCorrector = (
  db: Kysely<Database>,
  query: { stationId: string; phenomenon: string; hourly: ReadonlyMap<number, number> },
) => Promise<HourlyCorrection | null>;

/** No calibration source wired yet: nothing is corrected. */
export const correctHourly: HourlyCorrector = async () => null;
