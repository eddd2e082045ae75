// `souffle backfill atmosud`: windows of at most 30 days, interruption and resumption, the CLI.
import { afterEach, describe, expect, it } from 'vitest';
import {
  backfillAtmosud,
  BackfillConflictError,
  type BackfillOptions,
} from '../../../ingest/atmosud/backfill.js';
import {
  fakeMeasure,
  fakeStation,
  marseilleMeasures,
  marseilleStations,
} from '../../helpers/fake-atmosud.js';
import { runCli } from '../../helpers/run-cli.js';
import { collectLogs, DAY, FAST, NOW, readings, setup, type Setup } from './helpers.js';

let s: Setup;
afterEach(async () => s?.cleanup());

const dailyNoon = (code: string, days: number) =>
  Array.from({ length: days }, (_, k) =>
    fakeMeasure(code, 'no2', Date.parse('2025-10-10T12:00:00Z') - k * DAY, 20 + k),
  );

function backfill(extra: Partial<BackfillOptions> & { days: number }) {
  return backfillAtmosud({
    db: s.db,
    baseUrl: s.fake.url,
    departments: ['13'],
    concurrency: 2,
    logger: collectLogs().logger,
    now: () => NOW,
    ...FAST,
    ...extra,
  });
}

describe('backfilling AtmoSud', () => {
  it('splits 40 days into windows of at most 30 days per station, and stores every value', async () => {
    s = await setup({
      stations: [
        fakeStation('FR03043', { pollutants: ['no2'] }),
        fakeStation('FR00008', { pollutants: ['no2'] }),
      ],
      measures: [...dailyNoon('FR03043', 40), ...dailyNoon('FR00008', 40)],
    });
    const summary = await backfill({ days: 40 });

    const from = Date.parse('2025-08-31T13:00:00Z');
    const to = Date.parse('2025-10-10T13:00:00Z');
    expect(summary).toMatchObject({ from, to, stations: 2, complete: true, interrupted: false, errors: 0 });
    expect(summary.windows).toEqual({ total: 4, done: 4, skipped: 0, failed: 0 });
    for (const code of ['FR03043', 'FR00008']) {
      // Distinct windows: on a loaded machine a slow answer may time out and be asked again.
      const asked = s.fake
        .requestsTo('measures')
        .filter((r) => r.query.station_id === code)
        .map((r) => `${Date.parse(r.query.date_debut!)}/${Date.parse(r.query.date_fin!)}`);
      const windows = [...new Set(asked)]
        .map((w) => w.split('/').map(Number) as [number, number])
        .sort((a, b) => a[0] - b[0]);
      expect(windows).toEqual([
        [from, from + 30 * DAY],
        [from + 30 * DAY, to],
      ]);
      expect(windows.every(([a, b]) => b - a <= 30 * DAY)).toBe(true);
    }
    expect(await readings(s.db)).toHaveLength(80);
    expect(summary.values.inserted).toBe(80);
  });

  it('can be interrupted, and resumes where it stopped, skipping the windows already done', async () => {
    s = await setup({
      stations: [fakeStation('FR03043', { pollutants: ['no2'] })],
      measures: dailyNoon('FR03043', 90),
    });
    const from = Date.parse('2025-07-12T13:00:00Z');
    const secondWindow = (q: Record<string, string>) => Date.parse(q.date_debut!) === from + 30 * DAY;
    s.fake.fail('measures', { kind: 'hang' }, { when: secondWindow });

    const controller = new AbortController();
    const interrupted = backfill({ days: 90, concurrency: 1, timeoutMs: 30_000, signal: controller.signal });
    await expect.poll(() => s.fake.requestsTo('measures').length).toBe(2);
    controller.abort(); // Ctrl-C while the second window hangs
    const first = await interrupted;

    expect(first).toMatchObject({ interrupted: true, complete: false });
    expect(first.windows).toMatchObject({ total: 3, done: 1 });
    expect(await readings(s.db)).toHaveLength(30);

    const second = await backfill({ days: 90, concurrency: 1 });
    expect(second).toMatchObject({ resumed: true, complete: true, from });
    expect(second.windows).toEqual({ total: 3, done: 2, skipped: 1, failed: 0 });
    const starts = s.fake.requestsTo('measures').map((r) => Date.parse(r.query.date_debut!));
    expect(starts.filter((t) => t === from)).toHaveLength(1); // the first window was not fetched again
    expect(await readings(s.db)).toHaveLength(90);
  });

  it('refuses to silently drop an unfinished backfill of another length, unless asked to restart', async () => {
    s = await setup({
      stations: [fakeStation('FR03043', { pollutants: ['no2'] })],
      measures: dailyNoon('FR03043', 60),
    });
    const controller = new AbortController();
    controller.abort();
    await backfill({ days: 60, signal: controller.signal });

    await expect(backfill({ days: 30 })).rejects.toThrow(BackfillConflictError);
    await expect(backfill({ days: 30 })).rejects.toThrow(/interrupted backfill of 60 days is pending/);
    const restarted = await backfill({ days: 30, restart: true });
    expect(restarted).toMatchObject({ resumed: false, complete: true, days: 30 });
  });

  it('a window AtmoSud answers badly is recorded and retried by the next run', async () => {
    s = await setup({
      stations: [fakeStation('FR03043', { pollutants: ['no2'] })],
      measures: dailyNoon('FR03043', 40),
    });
    s.fake.fail('measures', { kind: 'html' });
    const first = await backfill({ days: 40, concurrency: 1 });
    expect(first).toMatchObject({ complete: false, interrupted: false, errors: 1 });
    expect(first.windows).toMatchObject({ done: 1, failed: 1 });

    const second = await backfill({ days: 40 });
    expect(second).toMatchObject({ resumed: true, complete: true });
    expect(second.windows).toMatchObject({ done: 1, skipped: 1 });
    expect(await readings(s.db)).toHaveLength(40);
  });
});

describe('souffle backfill atmosud (command line)', () => {
  it('backfills with progress lines on stderr and a JSON summary', async () => {
    const stations = marseilleStations().slice(0, 1);
    s = await setup({ stations, generateMeasures: marseilleMeasures(stations) });
    const env = { SOUFFLE_DB: `${s.tmp.dir}/cli.db`, ATMOSUD_URL: s.fake.url, ATMOSUD_TIMEOUT: '10s' };
    const result = await runCli(['backfill', 'atmosud', '--days', '40', '--json'], env);

    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ stations: 1, complete: true, days: 40 });
    expect(summary.windows).toMatchObject({ total: 2, done: 2 });
    expect(summary.values.inserted).toBeGreaterThan(40 * 24 * 4);
    expect(result.stderr).toContain('backfill: 0% (0/2 windows');
    expect(result.stderr).toContain('backfill: 100% (2/2 windows');
  });

  it('says what is wrong with its arguments', async () => {
    s = await setup({});
    const env = { SOUFFLE_DB: `${s.tmp.dir}/cli.db`, ATMOSUD_URL: s.fake.url };
    const noSource = await runCli(['backfill'], env);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain('which source? (atmosud or sensor-community)');
    const badDays = await runCli(['backfill', 'atmosud', '--days', 'ninety'], env);
    expect(badDays.code).toBe(2);
    expect(badDays.stderr).toContain('--days "ninety" must be a whole number of days from 1 to 3650');
  });
});
