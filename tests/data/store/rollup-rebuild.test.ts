import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLAGS } from '../../../data/flags.js';
import { insertReadings } from '../../../data/store/readings.js';
import { rebuildQueuedRollups } from '../../../data/store/rollup-rebuild.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 4, 1);

describe('rebuilding queued hourly rollups (migration 0004)', () => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDb();
  });
  afterEach(async () => t.cleanup());

  const rollups = () =>
    t.db.selectFrom('rollups_hourly').selectAll().orderBy('series_id').orderBy('bucket').execute();

  it('rebuilds every queued series from its readings, by windows, as the incremental path wrote them', async () => {
    await upsertStation(t.db, { id: 'ecole', source: 'citizen', name: 'École', lat: 43.3, lon: 5.4 });
    await upsertStation(t.db, { id: 'atmosud-FR1', source: 'atmosud', name: 'Ref', lat: 43.3, lon: 5.4 });
    const pm25 = await ensureSeries(t.db, { stationId: 'ecole', phenomenon: 'pm25', sensor: 'x', unit: 'u' });
    const no2 = await ensureSeries(t.db, {
      stationId: 'atmosud-FR1',
      phenomenon: 'no2',
      sensor: 'reference',
      unit: 'u',
      covers: H,
    });
    // 50 hours of readings every 4 minutes, some flagged; and hourly means
    await insertReadings(t.db, [
      ...Array.from({ length: 50 * 15 }, (_, i) => ({
        seriesId: pm25,
        time: T0 + i * 240_000,
        value: i % 40,
        flags: i % 7 === 0 ? FLAGS.spike : i % 5 === 0 ? FLAGS.humid : 0,
      })),
      ...Array.from({ length: 50 }, (_, i) => ({
        seriesId: no2,
        time: T0 + i * H,
        value: 20 + i,
        covers: H,
      })),
    ]);
    const incremental = await rollups();
    await t.db.deleteFrom('rollups_hourly').execute();
    await t.db
      .insertInto('rollup_rebuild_queue')
      .values([{ series_id: pm25 }, { series_id: no2 }])
      .execute();

    const progress: string[] = [];
    // windows of 7 hours, so that a series spans several
    const rebuilt = await rebuildQueuedRollups(t.db, {
      windowMs: 7 * H,
      onProgress: ({ done, total }) => progress.push(`${done}/${total}`),
    });
    expect(rebuilt).toBe(2);
    expect(progress).toEqual(['1/2', '2/2']);
    expect(await rollups()).toEqual(incremental);
    expect(incremental.filter((r) => r.series_id === no2).every((r) => r.slots === 0xfff)).toBe(true);
    expect(await t.db.selectFrom('rollup_rebuild_queue').selectAll().execute()).toEqual([]);
    expect(await rebuildQueuedRollups(t.db)).toBe(0);
  });
});
