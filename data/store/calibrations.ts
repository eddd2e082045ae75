// Stored calibrations (migration 0005): versions of a citizen series' correction, each with the
// evidence it was accepted on. A new version valid from V replaces, for readings from V on, the
// active versions that started at or after V; those that started before V keep applying to the
// readings before V. Nothing is deleted: the history of what was shown stays explainable.
import type { Kysely } from 'kysely';
import type { Coefficients, Model } from '../calibration/fit.js';
import type { Evaluation } from '../calibration/evaluate.js';
import type { Database } from '../schema.js';
import { forgetStationIndices } from './current-indices.js';

export type NewCalibration = {
  stationId: string;
  deviceId: string | null;
  phenomenon: string;
  sensor: string;
  model: Model;
  coefficients: Coefficients;
  referenceStationId: string;
  fit: { from: number; to: number };
  evaluation: { from: number; to: number };
  validFrom: number;
  metrics: Evaluation;
};

export type StoredCalibration = {
  id: number;
  stationId: string;
  deviceId: string | null;
  phenomenon: string;
  sensor: string;
  model: Model;
  coefficients: Coefficients;
  referenceStationId: string;
  fit: { from: number; to: number };
  evaluation: { from: number; to: number };
  validFrom: number;
  metrics: Evaluation;
  createdAt: number;
  active: boolean;
};

/** Stores a version and retires the ones it replaces, in one transaction; returns its id. */
export async function saveCalibration(
  db: Kysely<Database>,
  c: NewCalibration,
  now = Date.now(),
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('calibrations')
      .set({ active: 0 })
      .where('station_id', '=', c.stationId)
      .where('phenomenon', '=', c.phenomenon)
      .where('sensor', '=', c.sensor)
      .where('valid_from', '>=', c.validFrom)
      .where('active', '=', 1)
      .execute();
    const row = await trx
      .insertInto('calibrations')
      .values({
        station_id: c.stationId,
        device_id: c.deviceId,
        phenomenon: c.phenomenon,
        sensor: c.sensor,
        model: c.model,
        coefficients: JSON.stringify(c.coefficients),
        reference_station_id: c.referenceStationId,
        fit_from: c.fit.from,
        fit_to: c.fit.to,
        evaluate_from: c.evaluation.from,
        evaluate_to: c.evaluation.to,
        valid_from: c.validFrom,
        metrics: JSON.stringify(c.metrics),
        created_at: now,
        active: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The station's indices are computed from corrected hourly means: its stored ones are outdated.
    await forgetStationIndices(trx, c.stationId);
    return Number(row.id);
  });
}

type Row = Awaited<ReturnType<typeof selectRows>>[number];

function selectRows(db: Kysely<Database>, stationIds: readonly string[]) {
  return db
    .selectFrom('calibrations')
    .selectAll()
    .where('station_id', 'in', stationIds)
    .orderBy('phenomenon')
    .orderBy('sensor')
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
}

function fromRow(r: Row): StoredCalibration {
  return {
    id: Number(r.id),
    stationId: r.station_id,
    deviceId: r.device_id,
    phenomenon: r.phenomenon,
    sensor: r.sensor,
    model: r.model as Model,
    coefficients: JSON.parse(r.coefficients) as Coefficients,
    referenceStationId: r.reference_station_id,
    fit: { from: Number(r.fit_from), to: Number(r.fit_to) },
    evaluation: { from: Number(r.evaluate_from), to: Number(r.evaluate_to) },
    validFrom: Number(r.valid_from),
    metrics: JSON.parse(r.metrics) as Evaluation,
    createdAt: Number(r.created_at),
    active: r.active === 1,
  };
}

/** Every version of the station's calibrations, active or not, by phenomenon, sensor and start. */
export async function listCalibrations(
  db: Kysely<Database>,
  stationId: string,
): Promise<StoredCalibration[]> {
  return (await selectRows(db, [stationId])).map(fromRow);
}

/** An active version with the end of its validity: the start of the next active one, if any. */
export type ActiveCalibration = StoredCalibration & { validTo: number | null };

/** Active versions of each series of the stations, keyed "station\0phenomenon\0sensor", by start. */
export async function activeCalibrations(
  db: Kysely<Database>,
  stationIds: readonly string[],
): Promise<Map<string, ActiveCalibration[]>> {
  const out = new Map<string, ActiveCalibration[]>();
  if (stationIds.length === 0) return out;
  const rows = (await selectRows(db, [...new Set(stationIds)])).filter((r) => r.active === 1).map(fromRow);
  for (const c of rows) {
    const key = calibrationKey(c.stationId, c.phenomenon, c.sensor);
    const list = out.get(key) ?? [];
    const previous = list.at(-1);
    if (previous) previous.validTo = c.validFrom;
    list.push({ ...c, validTo: null });
    out.set(key, list);
  }
  return out;
}

export const calibrationKey = (stationId: string, phenomenon: string, sensor: string) =>
  `${stationId}\u0000${phenomenon}\u0000${sensor}`;
