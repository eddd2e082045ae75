// One co-location calibration from start to finish, for `souffle calibrate` and the admin API
// alike: read the hourly pairs of a device's series and a reference station, fit on the earlier
// part of the window, evaluate on the later part, and, when asked, store the version with its
// evidence. Whatever the outcome, the report carries the raw, corrected and EPA-formula figures
// side by side, so a fit that does not help, or a generic formula that hurts, is seen as such.
import type { Kysely } from 'kysely';
import { HOUR_MS } from '../hourly-validity.js';
import { isReferenceSource, type Database, type Station } from '../schema.js';
import { getDevice } from '../store/devices.js';
import {
  askedReference,
  explainChoice,
  REFERENCE_RULES,
  type ReferenceChoice,
  type ReferenceRule,
} from '../reference-choice.js';
import { candidateOf, nearestReference } from '../store/reference-candidates.js';
import { findStation } from '../store/stations.js';
import { saveCalibration } from '../store/calibrations.js';
import { EPA_PM25_TARGETS, fitAndEvaluate, splitTime, type Evaluation } from './evaluate.js';
import { DEFAULT_MODEL, FitError, type Model } from './fit.js';
import { PairError, readPairs } from './pairs.js';

export class CalibrationError extends Error {
  override name = 'CalibrationError';
}

export type CalibrateOptions = {
  deviceId: string;
  /**
   * A reference station id, or `nearest` (the nearest background station measuring the
   * phenomenon within the radius, else one of unknown type) or `nearest-any` (traffic and
   * industrial stations too): data/reference-choice.ts, as /compare chooses.
   */
  referenceStationId: string;
  /** Search radius of nearest and nearest-any, metres (default 25 km). */
  radiusMetres?: number;
  phenomenon?: string;
  sensor?: string;
  model?: Model;
  /** Window [from, to), epoch ms; default the 30 days before the current hour. */
  from?: number;
  to?: number;
  /** Share of the window's time held back for evaluation, at its end; default 0.5. */
  holdout?: number;
  /** Store the calibration, valid from this instant (default: the window's start). */
  apply?: boolean;
  validFrom?: number;
  timeZone: string;
  now?: number;
  onProgress?: (step: string) => void;
};

export type CalibrationReport = {
  device: string;
  station: string;
  phenomenon: string;
  sensor: string;
  /** How far, and, when picked by a rule, why this station (one sentence). */
  reference: { id: string; name: string; distanceMetres: number; choice: string };
  window: { from: number; to: number };
  hours: { sensor: number; reference: number; paired: number; withHumidity: number };
  evaluation: Evaluation;
  /** The US EPA targets the corrected values are checked against (PM2.5 only). */
  targets: typeof EPA_PM25_TARGETS | null;
  /** The stored version when applied, else null. */
  calibrationId: number | null;
  validFrom: number | null;
};

export const DEFAULT_WINDOW_DAYS = 30;

export async function calibrate(db: Kysely<Database>, o: CalibrateOptions): Promise<CalibrationReport> {
  const now = o.now ?? Date.now();
  const phenomenon = o.phenomenon ?? 'pm25';
  const model = o.model ?? DEFAULT_MODEL;
  const holdout = o.holdout ?? 0.5;
  if (!(holdout > 0 && holdout < 1)) throw new CalibrationError(`holdout ${holdout} must be between 0 and 1`);
  const to = o.to ?? Math.floor(now / HOUR_MS) * HOUR_MS;
  const from = o.from ?? to - DEFAULT_WINDOW_DAYS * 24 * HOUR_MS;
  if (!(from < to)) throw new CalibrationError('the window is empty: --from must be before --to');

  const device = await getDevice(db, o.deviceId);
  if (!device) throw new CalibrationError(`no device "${o.deviceId}"`);
  const station = await findStation(db, device.station_id);
  if (!station) throw new CalibrationError(`device "${device.id}" has no station`);
  const { reference, choice } = await pickReference(db, station, phenomenon, o);

  o.onProgress?.(`reading hourly pairs of ${device.id} and ${reference.id} (${phenomenon})`);
  let set;
  try {
    set = await readPairs(db, {
      stationId: device.station_id,
      phenomenon,
      sensor: o.sensor,
      referenceStationId: reference.id,
      from,
      to,
      now,
    });
  } catch (e) {
    if (e instanceof PairError) throw new CalibrationError(e.message);
    throw e;
  }
  o.onProgress?.(
    `${set.pairs.length} paired hours (sensor ${set.sensorHours} valid hours, reference ${set.referenceHours}); fitting ${model}`,
  );
  const window = { from, to };
  let evaluation: Evaluation;
  try {
    evaluation = fitAndEvaluate(set.pairs, {
      model,
      window,
      split: splitTime(window, holdout),
      phenomenon,
      timeZone: o.timeZone,
    });
  } catch (e) {
    if (e instanceof FitError) throw new CalibrationError(`cannot fit ${device.id}: ${e.message}`);
    throw e;
  }
  if (evaluation.evaluation.n === 0)
    throw new CalibrationError('no paired hour in the held-back part of the window: nothing to evaluate on');

  let calibrationId: number | null = null;
  const validFrom = o.apply ? (o.validFrom ?? from) : null;
  if (o.apply) {
    o.onProgress?.('storing the calibration');
    calibrationId = await saveCalibration(
      db,
      {
        stationId: device.station_id,
        deviceId: device.id,
        phenomenon,
        sensor: set.sensor,
        model,
        coefficients: evaluation.coefficients,
        referenceStationId: reference.id,
        fit: { from: evaluation.training.from, to: evaluation.training.to },
        evaluation: { from: evaluation.evaluation.from, to: evaluation.evaluation.to },
        validFrom: validFrom!,
        metrics: evaluation,
      },
      now,
    );
  }
  return {
    device: device.id,
    station: device.station_id,
    phenomenon,
    sensor: set.sensor,
    reference: {
      id: reference.id,
      name: reference.name,
      distanceMetres: choice.chosen!.distanceMetres,
      choice: explainChoice(choice),
    },
    window,
    hours: {
      sensor: set.sensorHours,
      reference: set.referenceHours,
      paired: set.pairs.length,
      withHumidity: set.pairs.filter((p) => p.rh !== null).length,
    },
    evaluation,
    targets: phenomenon === 'pm25' ? EPA_PM25_TARGETS : null,
    calibrationId,
    validFrom,
  };
}

/**
 * The reference asked for by id, or picked by a rule among the AtmoSud stations measuring the
 * phenomenon, from the station's exact location (the calibration is an administrator's act).
 */
async function pickReference(
  db: Kysely<Database>,
  station: Station,
  phenomenon: string,
  o: CalibrateOptions,
): Promise<{ reference: Station; choice: ReferenceChoice }> {
  const here = { lat: station.lat, lon: station.lon };
  const asked = o.referenceStationId;
  if ((REFERENCE_RULES as readonly string[]).includes(asked)) {
    const choice = await nearestReference(db, {
      stationId: station.id,
      here,
      phenomenon,
      rule: asked as ReferenceRule,
      radiusMetres: o.radiusMetres,
    });
    if (!choice.chosen)
      throw new CalibrationError(
        `no reference station for "${station.id}" (${asked}): ${explainChoice(choice)}`,
      );
    return { reference: (await findStation(db, choice.chosen.id))!, choice };
  }
  const reference = await findStation(db, asked);
  if (!reference) throw new CalibrationError(`no station "${asked}"`);
  if (!isReferenceSource(reference.source))
    throw new CalibrationError(`station "${reference.id}" is a ${reference.source} station, not a reference`);
  return { reference, choice: askedReference(here, candidateOf(reference)) };
}
