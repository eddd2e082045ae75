// `souffle calibrate` on a real co-location month (tests/fixtures/colocation: two low-cost units
// beside a reference monitor, US EPA sensortoolkit example data, MIT): the units' one-minute rows
// published as native MQTT messages with their `ts` through Mosquitto into the ingest worker
// (quality control on), the reference hours served by the fake AtmoSud server and backfilled as a
// reference station, then the command run as a child process, fitting on the first half of the
// month and evaluating on the second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../data/calibration/calibrate.js';
import { createDevice } from '../../data/store/devices.js';
import { backfillAtmosud } from '../../ingest/atmosud/backfill.js';
import { IngestWorker } from '../../ingest/worker.js';
import {
  COLOCATION_UNITS,
  referenceRows,
  sensorRows,
  type ColocationUnit,
} from '../helpers/colocation-rows.js';
import { fakeMeasure, fakeStation, startFakeAtmosud, type FakeAtmosud } from '../helpers/fake-atmosud.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  countReadings,
  startGeneratedMosquitto,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from '../ingest/ingest-helpers.js';

const REFERENCE = 'FR99001';
const REFERENCE_ID = `atmosud-${REFERENCE}`;
/** A traffic station nearer the units than the background one: passed over unless asked. */
const ROADSIDE = 'FR99002';
/** The site is in North Carolina: its local days are New York's. */
const ENV = { SOUFFLE_TIMEZONE: 'America/New_York' };

let db: TempDb;
let broker: GeneratedMosquitto;
let worker: IngestWorker;
let fake: FakeAtmosud;

/** A unit's rows as native messages of six hours of readings each (an array, as a device catching up sends). */
function messages(unit: ColocationUnit): string[] {
  const readings = sensorRows(unit).map((row) => {
    const values: Record<string, number> = {};
    for (const p of ['pm25', 'no2', 'o3', 'temperature', 'humidity'] as const)
      if (row[p] !== null) values[p] = row[p];
    return { ts: row.time / 1000, sensor: 'toco', values, units: { no2: 'ppb', o3: 'ppb' } };
  });
  const out: string[] = [];
  for (let i = 0; i < readings.length; i += 360) out.push(JSON.stringify(readings.slice(i, i + 360)));
  return out;
}

async function calibrateCli(unit: string, ...extra: string[]): Promise<CalibrationReport> {
  const run = await runCli(
    [
      'calibrate',
      unit,
      '--reference',
      REFERENCE_ID,
      '--from',
      '2019-08-01',
      '--to',
      '2019-09-01',
      ...extra,
      '--json',
    ],
    { ...db.env, ...ENV },
  );
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as CalibrationReport;
}

beforeAll(async () => {
  db = await tempDb({ dialect: 'sqlite' });
  const tokens: Record<string, string> = {};
  for (const unit of COLOCATION_UNITS) {
    const id = unit.toLowerCase();
    tokens[id] = (await createDevice(db.db, { id, name: `Toco ${unit}`, lat: 35.88, lon: -78.87 })).token;
  }
  broker = await startGeneratedMosquitto(db.db);
  worker = new IngestWorker({ db: db.db, mqttUrl: broker.url, ...workerLogin('souffle-ingest') });
  await worker.start();
  let expected = 0;
  for (const unit of COLOCATION_UNITS) {
    const id = unit.toLowerCase();
    const client = await connectAs(broker.url, {
      username: id,
      password: tokens[id]!,
      clientId: `${id}-pub`,
    });
    for (const body of messages(unit))
      await client.publishAsync(`souffle/v1/${id}/readings`, body, { qos: 1 });
    await client.endAsync();
    // Negative NO2 (the units' electrochemical cells read below zero in clean air) is refused as
    // out of range; every other value is stored.
    expected += sensorRows(unit).reduce(
      (n, r) =>
        n + [r.pm25, r.no2, r.o3, r.temperature, r.humidity].filter((v) => v !== null && v >= 0).length,
      0,
    );
  }
  await waitFor(async () => ((await countReadings(db.db)) >= expected ? true : null), {
    timeoutMs: 120_000,
    what: async () => `${expected} readings stored (${await countReadings(db.db)} so far)`,
  });

  fake = await startFakeAtmosud({
    data: {
      stations: [
        fakeStation(REFERENCE, { name: 'Burdens Creek', lat: 35.889, lon: -78.875, pollutants: ['pm2.5'] }),
        fakeStation(ROADSIDE, { name: 'Roadside', lat: 35.8805, lon: -78.8705, pollutants: ['pm2.5'] }),
      ],
      measures: referenceRows()
        .filter((r) => r.param === 'PM2.5' && r.qc === 0)
        .flatMap((r) => [
          fakeMeasure(REFERENCE, 'pm2.5', r.time, r.value, { validation: 'validée' }),
          fakeMeasure(ROADSIDE, 'pm2.5', r.time, r.value + 4, { validation: 'validée' }),
        ]),
    },
  });
  const summary = await backfillAtmosud({
    db: db.db,
    baseUrl: fake.url,
    departments: ['13'],
    concurrency: 2,
    timeoutMs: 5000,
    days: 35,
    now: () => Date.UTC(2019, 8, 3),
    logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
  });
  expect(summary.complete).toBe(true);
  // AtmoSud's open data carries no station type (data/reference/atmosud-station-types.ts lists
  // the real ones); these two made-up stations get theirs here.
  await db.db
    .updateTable('stations')
    .set({ station_type: 'rural-background' })
    .where('id', '=', REFERENCE_ID)
    .execute();
  await db.db
    .updateTable('stations')
    .set({ station_type: 'traffic' })
    .where('id', '=', `atmosud-${ROADSIDE}`)
    .execute();
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await broker?.cleanup();
  await fake?.close();
  await db?.cleanup();
});

describe('souffle calibrate on a real co-location month', () => {
  for (const unit of COLOCATION_UNITS) {
    it(`corrects ${unit} by default so that both done-when criteria hold: hourly RMSE at most half of raw, 24-hour means within the EPA slope and intercept targets`, async () => {
      const r = await calibrateCli(unit.toLowerCase());
      const e = r.evaluation;
      console.info(
        `${unit} default (${e.model}): n ${r.hours.paired}, hourly RMSE ${e.raw.hourly.rmse?.toFixed(2)} → ${e.corrected.hourly.rmse?.toFixed(2)}, EPA ${e.epa?.hourly.rmse?.toFixed(2)}; daily n ${e.corrected.daily.n} slope ${e.corrected.daily.slope?.toFixed(2)} intercept ${e.corrected.daily.intercept?.toFixed(2)}`,
      );
      expect(e.model).toBe('sma');
      // Hours paired: most of the month's 744, minus flagged and thin hours on either side.
      expect(r.hours.paired).toBeGreaterThan(600);
      expect(e.training.n + e.evaluation.n).toBe(r.hours.paired);
      expect(e.evaluation.from).toBe(Date.UTC(2019, 7, 16, 12));
      expect(e.raw.hourly.rmse!).toBeGreaterThan(3);
      expect(e.corrected.hourly.rmse!).toBeLessThanOrEqual(e.raw.hourly.rmse! / 2);
      expect(e.corrected.daily.n).toBeGreaterThanOrEqual(10);
      expect(e.targets.daily.slope).toBe(true);
      expect(e.targets.daily.intercept).toBe(true);
      // The generic formula, fitted on other sensors, is reported, and here it is worse than raw.
      expect(e.epa!.hourly.rmse!).toBeGreaterThan(e.raw.hourly.rmse!);
      expect(r.calibrationId).toBeNull();
    });

    it(`shows why least squares is not the default for ${unit}: a smaller hourly error, but 24-hour means flattened below the EPA slope target`, async () => {
      const r = await calibrateCli(unit.toLowerCase(), '--model', 'linear');
      const e = r.evaluation;
      console.info(
        `${unit} linear: hourly RMSE ${e.raw.hourly.rmse?.toFixed(2)} → ${e.corrected.hourly.rmse?.toFixed(2)}; daily slope ${e.corrected.daily.slope?.toFixed(2)} intercept ${e.corrected.daily.intercept?.toFixed(2)}`,
      );
      expect(e.model).toBe('linear');
      expect(e.corrected.hourly.rmse!).toBeLessThanOrEqual(e.raw.hourly.rmse! / 2);
      expect(e.targets.daily.slope).toBe(false);
      expect(e.corrected.daily.slope!).toBeLessThan(0.65);
    });
  }

  it('prints the evidence for people, and stores the calibration with --apply', async () => {
    const run = await runCli(
      [
        'calibrate',
        'rt01',
        '--reference',
        REFERENCE_ID,
        '--from',
        '2019-08-01',
        '--to',
        '2019-09-01',
        '--apply',
      ],
      { ...db.env, ...ENV },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('souffle calibrate: reading hourly pairs of rt01');
    expect(run.stdout).toMatch(/corrected = \d\.\d{4}·raw [+−] \d+\.\d{4}/);
    expect(run.stdout).toContain('corrected (sma)');
    expect(run.stdout).toContain('US EPA PurpleAir formula');
    expect(run.stdout).toContain('does worse than raw here');
    expect(run.stdout).toMatch(/applied: calibration 1, correcting readings from 2019-08-01 00:00 UTC on/);
    const stored = await db.db.selectFrom('calibrations').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      station_id: 'rt01',
      device_id: 'rt01',
      phenomenon: 'pm25',
      sensor: 'toco',
      model: 'sma',
      reference_station_id: REFERENCE_ID,
      valid_from: Date.UTC(2019, 7, 1),
      active: 1,
    });
  });

  it('picks the nearest background station with --reference nearest, passing over a nearer traffic one, and takes traffic only when asked', async () => {
    const cli = (...args: string[]) =>
      runCli(['calibrate', 'rt01', '--from', '2019-08-01', '--to', '2019-09-01', ...args], {
        ...db.env,
        ...ENV,
      });
    const nearest = await cli('--reference', 'nearest', '--json');
    expect(nearest.code, nearest.stderr).toBe(0);
    const report = JSON.parse(nearest.stdout) as CalibrationReport;
    expect(report.reference).toMatchObject({ id: REFERENCE_ID, name: 'Burdens Creek' });
    expect(report.reference.distanceMetres).toBeGreaterThan(500);
    expect(report.reference.distanceMetres).toBeLessThan(2000);
    expect(report.reference.choice).toContain('the nearest background station');
    expect(report.reference.choice).toContain('Roadside (traffic');

    const any = await cli('--reference', 'nearest-any', '--json');
    expect(any.code, any.stderr).toBe(0);
    expect((JSON.parse(any.stdout) as CalibrationReport).reference.id).toBe(`atmosud-${ROADSIDE}`);

    const text = await cli('--reference', 'nearest');
    expect(text.stdout).toMatch(/against Burdens Creek \(atmosud-FR99001, 1\.\d km away\)/);

    const none = await cli('--reference', 'nearest', '--radius', '50');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'no reference station for "rt01" (nearest): No suitable station within 50 m',
    );
    expect(none.stderr).toContain('the nearest measuring this phenomenon is Roadside (traffic');
    const misplaced = await cli('--reference', REFERENCE_ID, '--radius', '5000');
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--radius goes with --reference nearest or nearest-any');
  });

  it('refuses what it cannot do, with a message that says why', async () => {
    const noRef = await runCli(['calibrate', 'rt01'], { ...db.env, ...ENV });
    expect(noRef.code).toBe(2);
    expect(noRef.stderr).toContain('--reference <station>|nearest is required');
    const citizen = await runCli(['calibrate', 'rt01', '--reference', 'rt02'], { ...db.env, ...ENV });
    expect(citizen.code).toBe(1);
    expect(citizen.stderr).toContain('"rt02" is a citizen station, not a reference');
    const empty = await runCli(
      ['calibrate', 'rt01', '--reference', REFERENCE_ID, '--from', '2020-01-01', '--to', '2020-02-01'],
      { ...db.env, ...ENV },
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('only 0 usable hourly pairs');
  });
});
