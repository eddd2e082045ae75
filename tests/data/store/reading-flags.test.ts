// Flags added to stored readings after the fact, and counted per station: on both engines.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLAGS } from '../../../data/flags.js';
import { addReadingFlags, countReadingFlags } from '../../../data/store/reading-flags.js';
import { insertReadings } from '../../../data/store/readings.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const T0 = Date.UTC(2026, 10, 28, 8, 0, 0);
const MIN = 60_000;

describe('flags of stored readings', () => {
  let t: TempDb;
  let series: number;

  beforeEach(async () => {
    t = await tempDb();
    await upsertStation(t.db, { id: 'ecole', source: 'citizen', name: 'École', lat: 43.305, lon: 5.38 });
    series = await ensureSeries(t.db, {
      stationId: 'ecole',
      phenomenon: 'pm25',
      sensor: 'SDS011',
      unit: 'µg/m³',
    });
    // 5.1, then 6.4 from 08:01 to 08:59 and on to 09:04 (a run across two hours), with one value
    // stored out of order inside it (7) and one humid reading of the run.
    const rows = [{ time: T0, value: 5.1, flags: 0 }];
    for (let k = 1; k <= 64; k++)
      rows.push({ time: T0 + k * MIN, value: 6.4, flags: k === 3 ? FLAGS.humid : 0 });
    rows.push({ time: T0 + 30 * MIN + 30_000, value: 7, flags: 0 });
    await insertReadings(
      t.db,
      rows.map((r) => ({ seriesId: series, ...r })),
    );
  });

  afterEach(async () => {
    await t.cleanup();
  });

  const flagsOf = async () =>
    (await t.db.selectFrom('readings').select(['time', 'flags']).orderBy('time').execute()).map(
      (r) => r.flags,
    );

  it('adds a flag to the readings of a range that hold the value, keeping the flags they had', async () => {
    const changed = await addReadingFlags(
      t.db,
      { seriesId: series, from: T0, to: T0 + 64 * MIN, value: 6.4 },
      FLAGS.stuck,
    );
    expect(changed).toBe(64);
    const flags = await flagsOf();
    expect(flags[0]).toBe(0); // 5.1
    expect(flags.filter((f) => f === FLAGS.stuck)).toHaveLength(63);
    expect(flags.filter((f) => f === (FLAGS.stuck | FLAGS.humid))).toHaveLength(1);
    expect(flags.filter((f) => f === 0)).toHaveLength(2); // 5.1 and the 7 stored out of order
    // Again: nothing left to change.
    expect(
      await addReadingFlags(t.db, { seriesId: series, from: T0, to: T0 + 64 * MIN, value: 6.4 }, FLAGS.stuck),
    ).toBe(0);
  });

  it('recomputes the rollup buckets of the changed readings, which still hold every reading', async () => {
    await addReadingFlags(
      t.db,
      { seriesId: series, from: T0 + MIN, to: T0 + 64 * MIN, value: 6.4 },
      FLAGS.stuck,
    );
    const hourly = await t.db
      .selectFrom('rollups_hourly')
      .select(['bucket', 'n', 'min', 'max'])
      .orderBy('bucket')
      .execute();
    // The stuck readings leave the means: what stays is 5.1 and the 7 stored out of order.
    expect(hourly.map((h) => [h.bucket, Number(h.n), h.min, h.max])).toEqual([
      [T0, 2, 5.1, 7],
      [T0 + 60 * MIN, 0, null, null],
    ]);
    // Every reading is still accounted for: in a mean, or left out of it for its flags.
    const kept = await t.db.selectFrom('rollups_hourly').select(['n', 'n_flagged']).execute();
    expect(kept.reduce((a, h) => a + Number(h.n) + Number(h.n_flagged), 0)).toBe(66);
  });

  it('counts the readings of a station carrying each flag since a time', async () => {
    await addReadingFlags(t.db, { seriesId: series, from: T0, to: T0 + 64 * MIN, value: 6.4 }, FLAGS.stuck);
    expect(await countReadingFlags(t.db, 'ecole', T0)).toEqual({
      humid: 1,
      channel_disagreement: 0,
      stuck: 64,
      spike: 0,
    });
    expect(await countReadingFlags(t.db, 'ecole', T0 + 60 * MIN)).toEqual({
      humid: 0,
      channel_disagreement: 0,
      stuck: 5,
      spike: 0,
    });
    expect(await countReadingFlags(t.db, 'nowhere', T0)).toEqual({
      humid: 0,
      channel_disagreement: 0,
      stuck: 0,
      spike: 0,
    });
  });
});
