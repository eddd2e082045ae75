// Raw retention: readings before the cut-off go, in batches; those after stay; rollups keep the
// whole history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneRawReadings } from '../../../data/store/raw-retention.js';
import { insertReadings } from '../../../data/store/readings.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const CUTOFF = NOW - 30 * DAY;

describe('pruneRawReadings', () => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDb();
  });
  afterEach(() => t.cleanup());

  async function seed(): Promise<{ old: number; recent: number }> {
    await upsertStation(t.db, { id: 'balcon', source: 'citizen', name: 'Balcon', lat: 43.3, lon: 5.4 });
    const a = await ensureSeries(t.db, {
      stationId: 'balcon',
      phenomenon: 'pm25',
      sensor: 'sds011',
      unit: 'µg/m³',
    });
    const b = await ensureSeries(t.db, {
      stationId: 'balcon',
      phenomenon: 'pm10',
      sensor: 'sds011',
      unit: 'µg/m³',
    });
    // Series a: every 5 minutes over the last 40 days; series b: hourly over the same span.
    const rows = [];
    for (let time = NOW - 40 * DAY; time < NOW; time += 300_000) rows.push({ seriesId: a, time, value: 10 });
    for (let time = NOW - 40 * DAY; time < NOW; time += 3_600_000)
      rows.push({ seriesId: b, time, value: 20 });
    for (let i = 0; i < rows.length; i += 2000) await insertReadings(t.db, rows.slice(i, i + 2000));
    const old = rows.filter((r) => r.time < CUTOFF).length;
    return { old, recent: rows.length - old };
  }

  const rollups = () =>
    t.db.selectFrom('rollups_hourly').selectAll().orderBy('series_id').orderBy('bucket').execute();

  it('deletes raw readings before the cut-off in batches, keeps later ones and every rollup', async () => {
    const { old, recent } = await seed();
    const before = await rollups();
    expect(before.length).toBeGreaterThan(40 * 24);
    const totals: number[] = [];

    const result = await pruneRawReadings(t.db, CUTOFF, { batchSize: 500, onBatch: (n) => totals.push(n) });

    expect(result.deleted).toBe(old);
    // 2 880 old rows of series a in batches of 500 (6 batches), 240 of b in one or two.
    expect(result.batches).toBeGreaterThanOrEqual(Math.ceil(2880 / 500) + 1);
    expect(totals.at(-1)).toBe(old);
    const left = await t.db
      .selectFrom('readings')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('time').as('first')])
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(recent);
    expect(Number(left.first)).toBeGreaterThanOrEqual(CUTOFF);
    expect(await rollups()).toEqual(before);

    // A second pass finds nothing to do.
    expect((await pruneRawReadings(t.db, CUTOFF)).deleted).toBe(0);
  });
});
