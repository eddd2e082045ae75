// SOUFFLE_RAW_RETENTION in a real `souffle ingest` process: its first pass runs at start, deletes
// the raw readings older than the retention, keeps the rollups, and says so in its log and metrics.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters } from '../../data/store/counters.js';
import { insertReadings } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import { SOUFFLE_BIN, runCli } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const DAY = 86_400_000;

describe('SOUFFLE_RAW_RETENTION', () => {
  let t: TempDb;
  const now = Date.now();
  beforeAll(async () => {
    t = await tempDb({ dialect: 'sqlite' });
    await upsertStation(t.db, { id: 'balcon', source: 'citizen', name: 'Balcon', lat: 43.3, lon: 5.4 });
    const s = await ensureSeries(t.db, {
      stationId: 'balcon',
      phenomenon: 'pm25',
      sensor: 'sds011',
      unit: 'µg/m³',
    });
    const rows = [];
    for (let time = now - 40 * DAY; time < now; time += 3_600_000) rows.push({ seriesId: s, time, value: 8 });
    await insertReadings(t.db, rows);
  });
  afterAll(() => t.cleanup());

  it('is refused under a day', async () => {
    const run = await runCli(['ingest', '--no-mqtt'], { ...t.env, SOUFFLE_RAW_RETENTION: '2h' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SOUFFLE_RAW_RETENTION="2h": "2h" is under a day');
  });

  it('runs at start in souffle ingest, deleting old raw readings and keeping rollups', async () => {
    const rollupsBefore = await t.db
      .selectFrom('rollups_hourly')
      .select((eb) => eb.fn.sum<number>('n').as('n'))
      .executeTakeFirstOrThrow();
    const child = spawn(process.execPath, [SOUFFLE_BIN, 'ingest', '--no-mqtt'], {
      env: { ...process.env, ...t.env, ATMOSUD_ENABLED: 'false', SOUFFLE_RAW_RETENTION: '30d' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Listened for from the start: a child that ended early (a crash) must fail the poll with its
    // stderr, not leave the test waiting for an exit that has already happened.
    const exited = new Promise((r) => child.once('exit', r));
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      await expect.poll(() => stderr, { timeout: 45_000 }).toMatch(/retention: deleted \d+ raw readings/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    }
    const deleted = Number(/retention: deleted (\d+)/.exec(stderr)![1]);
    expect(deleted).toBeGreaterThanOrEqual(10 * 24 - 1);
    const first = await t.db
      .selectFrom('readings')
      .select((eb) => eb.fn.min('time').as('t'))
      .executeTakeFirstOrThrow();
    expect(Number(first.t)).toBeGreaterThanOrEqual(now - 30 * DAY - 60_000);
    const rollupsAfter = await t.db
      .selectFrom('rollups_hourly')
      .select((eb) => eb.fn.sum<number>('n').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(rollupsAfter.n)).toBe(Number(rollupsBefore.n));
    const counters = await readCounters(t.db);
    expect(counters.find((c) => c.name === 'souffle_retention_deleted_readings_total')?.value).toBe(deleted);
    expect(
      counters.find((c) => c.name === 'souffle_retention_last_run_timestamp_seconds')?.value,
    ).toBeGreaterThan(now / 1000 - 60);
  });
});
