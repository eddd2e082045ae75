// Stored calibrations on both engines: versions, the ones a later version replaces, the
// validity periods of the active ones, and the evidence read back as it was stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../../data/calibration/evaluate.js';
import {
  activeCalibrations,
  calibrationKey,
  listCalibrations,
  saveCalibration,
  type NewCalibration,
} from '../../../data/store/calibrations.js';
import { upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

let t: TempDb;
beforeEach(async () => {
  t = await tempDb();
  await upsertStation(t.db, { id: 'balcon', source: 'citizen', name: 'Balcon', lat: 43.3, lon: 5.4 });
});
afterEach(async () => t?.cleanup());

function version(validFrom: number, a: number): NewCalibration {
  return {
    stationId: 'balcon',
    deviceId: 'balcon',
    phenomenon: 'pm25',
    sensor: 'SDS011',
    model: 'linear',
    coefficients: { a, c: 1.5 },
    referenceStationId: 'atmosud-FR02004',
    fit: { from: validFrom, to: validFrom + 15 * DAY },
    evaluation: { from: validFrom + 15 * DAY, to: validFrom + 30 * DAY },
    validFrom,
    metrics: { model: 'linear', training: { n: 300 } } as unknown as Evaluation,
  };
}

describe('stored calibrations', () => {
  it('reads back a version as stored, with its evidence', async () => {
    const id = await saveCalibration(t.db, version(T0, 0.6), T0 + 31 * DAY);
    const [c] = await listCalibrations(t.db, 'balcon');
    expect(c).toEqual({
      ...version(T0, 0.6),
      id,
      createdAt: T0 + 31 * DAY,
      active: true,
    });
  });

  it('keeps an earlier version for the readings before a later one starts, and retires one it replaces', async () => {
    const first = await saveCalibration(t.db, version(T0, 0.6));
    const second = await saveCalibration(t.db, version(T0 + 60 * DAY, 0.7));
    // A redo of the second period replaces it: same start.
    const third = await saveCalibration(t.db, version(T0 + 60 * DAY, 0.8));
    const all = await listCalibrations(t.db, 'balcon');
    expect(all.map((c) => [c.id, c.active])).toEqual([
      [first, true],
      [second, false],
      [third, true],
    ]);
    const active = (await activeCalibrations(t.db, ['balcon'])).get(
      calibrationKey('balcon', 'pm25', 'SDS011'),
    )!;
    expect(active.map((c) => [c.id, c.validFrom, c.validTo])).toEqual([
      [first, T0, T0 + 60 * DAY],
      [third, T0 + 60 * DAY, null],
    ]);
    // A version from before both replaces them all.
    const fourth = await saveCalibration(t.db, version(T0 - DAY, 0.9));
    const now = (await activeCalibrations(t.db, ['balcon'])).get(calibrationKey('balcon', 'pm25', 'SDS011'))!;
    expect(now.map((c) => c.id)).toEqual([fourth]);
  });

  it('goes with its station', async () => {
    await saveCalibration(t.db, version(T0, 0.6));
    await t.db.deleteFrom('stations').where('id', '=', 'balcon').execute();
    expect(await t.db.selectFrom('calibrations').selectAll().execute()).toEqual([]);
  });
});
