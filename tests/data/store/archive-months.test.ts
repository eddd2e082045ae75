// The archive's questions to the database, on both engines: where each source starts, a month's
// fingerprint that any rewritten value or validation changes (and nothing else does), and the
// stations' extent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstReadingTimes, monthFingerprint, sourceExtents } from '../../../data/store/archive-months.js';
import { insertReadings } from '../../../data/store/readings.js';
import { replaceReadings } from '../../../data/store/replace-readings.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const HOUR = 3_600_000;
const MARCH = Date.UTC(2025, 2, 1);
const APRIL = Date.UTC(2025, 3, 1);
let t: TempDb;
let series: number;

beforeAll(async () => {
  t = await tempDb();
  await upsertStation(t.db, { id: 'FR03043', source: 'atmosud', name: 'Marseille', lat: 43.3, lon: 5.39 });
  await upsertStation(t.db, { id: 'balcon', source: 'citizen', name: 'Balcon', lat: 43.31, lon: 5.4 });
  series = await ensureSeries(t.db, {
    stationId: 'FR03043',
    phenomenon: 'no2',
    sensor: 'NO2',
    unit: 'µg/m³',
  });
  const rows = [];
  for (let time = MARCH - 24 * HOUR; time < APRIL + 24 * HOUR; time += HOUR)
    rows.push({ seriesId: series, time, value: 20.5, validation: 'provisional' });
  await insertReadings(t.db, rows);
});
afterAll(() => t.cleanup());

describe('archive months', () => {
  it('finds the first reading of each source that has any', async () => {
    expect(Object.fromEntries(await firstReadingTimes(t.db))).toEqual({ atmosud: MARCH - 24 * HOUR });
  });

  it('fingerprints a month: the same twice, changed by a validation, not by other months', async () => {
    const a = await monthFingerprint(t.db, 'atmosud', MARCH, APRIL);
    expect(a.rows).toBe(31 * 24);
    expect(await monthFingerprint(t.db, 'atmosud', MARCH, APRIL)).toEqual(a);
    expect((await monthFingerprint(t.db, 'citizen', MARCH, APRIL)).rows).toBe(0);
    const outside = APRIL + 2 * HOUR;
    await replaceReadings(t.db, [{ seriesId: series, time: outside, value: 99, validation: 'validated' }]);
    expect(await monthFingerprint(t.db, 'atmosud', MARCH, APRIL)).toEqual(a);
    // Validated with the same value: the state alone changes the fingerprint.
    await replaceReadings(t.db, [
      { seriesId: series, time: MARCH + 5 * HOUR, value: 20.5, validation: 'validated' },
    ]);
    const b = await monthFingerprint(t.db, 'atmosud', MARCH, APRIL);
    expect(b.fingerprint).not.toBe(a.fingerprint);
    await replaceReadings(t.db, [
      { seriesId: series, time: MARCH + 6 * HOUR, value: 20.6, validation: 'provisional' },
    ]);
    expect((await monthFingerprint(t.db, 'atmosud', MARCH, APRIL)).fingerprint).not.toBe(b.fingerprint);
  });

  it('gives each source’s stations and bounding box', async () => {
    const extents = await sourceExtents(t.db);
    expect(extents.map((e) => [e.source, e.stations])).toEqual([
      ['atmosud', 1],
      ['citizen', 1],
    ]);
    expect(extents[0]!.bbox).toHaveLength(4);
  });
});
