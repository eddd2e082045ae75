// The AtmoSud puller against the fake AtmoSud: what ends up in the database.
import { afterEach, describe, expect, it } from 'vitest';
import { listIngestErrors } from '../../../data/store/ingest-errors.js';
import { fakeCommuneIndices, fakeMeasure, fakeStation } from '../../helpers/fake-atmosud.js';
import {
  DAY,
  HOUR,
  NOW,
  readings,
  recomputedRollups,
  setup,
  snapshot,
  storedRollups,
  type Setup,
} from './helpers.js';

const T = (hoursAgo: number) => Math.floor(NOW / HOUR) * HOUR - hoursAgo * HOUR;

let s: Setup;
afterEach(async () => s?.cleanup());

describe('the AtmoSud puller', () => {
  it('stores the stations of the area as reference stations with their pollutants in service and the ODbL attribution', async () => {
    s = await setup({
      stations: [
        fakeStation('FR00008', {
          name: 'Marseille Place Verneuil',
          lat: 43.30885,
          lon: 5.36788,
          address: 'Place Henri Verneuil',
          pollutants: ['no2', 'pm2.5', 'so2', 'nox'],
          retired: ['pm10'],
        }),
        fakeStation('FR03030', { name: 'Gardanne', department: '13', pollutants: ['pm1', 'o3'] }),
        fakeStation('FR24035', { name: 'Nice Arson', department: '06', lat: 43.7, lon: 7.28 }),
      ],
    });
    const summary = await s.puller().pullOnce();

    expect(summary.status).toBe('ok');
    const stations = await s.db.selectFrom('stations').selectAll().orderBy('id').execute();
    expect(stations.map((st) => st.id)).toEqual(['atmosud-FR00008', 'atmosud-FR03030']);
    expect(stations[0]).toMatchObject({
      source: 'atmosud',
      name: 'Marseille Place Verneuil',
      address: 'Place Henri Verneuil',
      lat: 43.30885,
      lon: 5.36788,
      public_lat: 43.30885,
      public_lon: 5.36788,
      commune: null, // AtmoSud gave its department only: a department is not a commune
      in_service: 1,
      attribution: 'AtmoSud',
      licence: 'ODbL-1.0',
    });
    expect(JSON.parse(stations[0]!.pollutants!)).toEqual(['pm25', 'no2', 'so2']);
    expect(JSON.parse(stations[1]!.pollutants!)).toEqual(['pm1', 'o3']);
  });

  it('keeps a commune only when AtmoSud gives a five-character INSEE code, never the department', async () => {
    s = await setup({
      stations: [
        fakeStation('FR00008', { department: '13', extra: { code_insee: '13055' } }),
        fakeStation('FR03030', { department: '13', extra: { code_insee: '13' } }),
        fakeStation('FR03043', { department: '13' }),
      ],
    });
    await s.puller().pullOnce();
    const rows = await s.db.selectFrom('stations').select(['id', 'commune']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'atmosud-FR00008', commune: '13055' },
      { id: 'atmosud-FR03030', commune: null },
      { id: 'atmosud-FR03043', commune: null },
    ]);
  });

  it('types the stations AtmoSud classifies (Longchamp urban background, L2 Kaddouz traffic), others unknown', async () => {
    s = await setup({
      stations: [fakeStation('FR03043', {}), fakeStation('FR03053', {}), fakeStation('FR03030', {})],
    });
    await s.puller().pullOnce();
    const rows = await s.db.selectFrom('stations').select(['id', 'station_type']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'atmosud-FR03030', station_type: null },
      { id: 'atmosud-FR03043', station_type: 'urban-background' },
      { id: 'atmosud-FR03053', station_type: 'traffic' },
    ]);
  });

  it('replaces a department number stored as the commune by an earlier version', async () => {
    s = await setup({ stations: [fakeStation('FR03043', { department: '13' })] });
    const puller = s.puller();
    await puller.pullOnce();
    await s.db.updateTable('stations').set({ commune: '13' }).execute();
    await puller.pullOnce();
    const row = await s.db.selectFrom('stations').select('commune').executeTakeFirstOrThrow();
    expect(row.commune).toBeNull();
  });

  it('takes the stations of a bounding box as well as those of the departments', async () => {
    s = await setup({
      stations: [
        fakeStation('FR03043', { department: '13' }),
        fakeStation('FR24035', { department: '06', lat: 43.7, lon: 7.28 }),
        fakeStation('FR20046', { department: '83', lat: 43.12, lon: 5.93 }),
      ],
    });
    await s.puller({ departments: [], bbox: [7.0, 43.5, 7.5, 43.9] }).pullOnce();
    const ids = (await s.db.selectFrom('stations').select('id').execute()).map((r) => r.id);
    expect(ids).toEqual(['atmosud-FR24035']);
  });

  it('stores hourly values in µg/m³ at their UTC instant with their validation state, skipping nulls', async () => {
    s = await setup({
      stations: [fakeStation('FR03043', { pollutants: ['no2', 'pm2.5'] })],
      measures: [
        fakeMeasure('FR03043', 'pm2.5', '2025-10-09T07:00:00+00:00', 4.8, { validation: 'validée' }),
        fakeMeasure('FR03043', 'pm2.5', '2025-10-09T10:00:00+02:00', 5.5, { validation: 'non validée' }),
        fakeMeasure('FR03043', 'pm2.5', '2025-10-09T09:00:00+00:00', null),
        fakeMeasure('FR03043', 'no2', '2025-10-09T07:00:00Z', 41, {
          extra: { qualite: 'A', nouveau_champ: { x: 1 } },
        }),
      ],
    });
    const summary = await s.puller().pullOnce();

    expect(summary.values).toMatchObject({ inserted: 3, skippedNull: 1, rejected: 0 });
    expect(await readings(s.db)).toEqual(
      [
        {
          station_id: 'atmosud-FR03043',
          phenomenon: 'no2',
          sensor: 'reference',
          unit: 'µg/m³',
          time: Date.parse('2025-10-09T07:00:00Z'),
          value: 41,
          validation: 'provisional',
        },
        {
          station_id: 'atmosud-FR03043',
          phenomenon: 'pm25',
          sensor: 'reference',
          unit: 'µg/m³',
          time: Date.parse('2025-10-09T07:00:00Z'),
          value: 4.8,
          validation: 'validated',
        },
        {
          station_id: 'atmosud-FR03043',
          phenomenon: 'pm25',
          sensor: 'reference',
          unit: 'µg/m³',
          time: Date.parse('2025-10-09T07:00:00Z') + HOUR,
          value: 5.5,
          validation: 'provisional',
        },
      ].sort((a, b) => a.phenomenon.localeCompare(b.phenomenon) || a.time - b.time),
    );
  });

  it('replaces a provisional value by its validated version and keeps the rollups equal to a recomputation', async () => {
    const measures = [
      fakeMeasure('FR03043', 'no2', T(5), 30),
      fakeMeasure('FR03043', 'no2', T(4), 50, { validation: 'non validée' }),
      fakeMeasure('FR03043', 'no2', T(3), 20),
    ];
    s = await setup({ stations: [fakeStation('FR03043', { pollutants: ['no2'] })], measures });
    const puller = s.puller();
    await puller.pullOnce();

    // AtmoSud validates the hour, correcting the value downwards (it was the maximum).
    s.fake.data.measures[1] = fakeMeasure('FR03043', 'no2', T(4), 12.5, { validation: 'validée' });
    const summary = await puller.pullOnce();

    expect(summary.values).toMatchObject({ inserted: 0, replaced: 1, unchanged: 2 });
    const stored = await readings(s.db);
    expect(stored.find((r) => r.time === T(4))).toMatchObject({ value: 12.5, validation: 'validated' });
    expect(stored).toHaveLength(3);
    const expected = await recomputedRollups(s.db, HOUR);
    const actual = await storedRollups(s.db, 'rollups_hourly');
    expect(actual.map((r) => ({ ...r, sum: round(r.sum) }))).toEqual(
      expected.map((r) => ({ ...r, sum: round(r.sum) })),
    );
    // AtmoSud's values are hourly means: each covers its hour, a valid hourly mean as published.
    expect((await s.db.selectFrom('rollups_hourly').select('slots').execute()).map((r) => r.slots)).toEqual([
      0xfff, 0xfff, 0xfff,
    ]);
  });

  it('never duplicates values across overlapping pulls, and a second pull changes nothing AtmoSud did not change', async () => {
    const hours = Array.from({ length: 40 }, (_, i) => i + 1);
    s = await setup({
      stations: [
        fakeStation('FR03043', { pollutants: ['no2', 'pm10'] }),
        fakeStation('FR00008', { pollutants: ['o3'] }),
      ],
      measures: [
        ...hours.map((h) => fakeMeasure('FR03043', 'no2', T(h), 20 + (h % 7))),
        ...hours.map((h) => fakeMeasure('FR03043', 'pm10', T(h), 15 + (h % 5))),
        ...hours.map((h) => fakeMeasure('FR00008', 'o3', T(h), 60 + (h % 11), { validation: 'validée' })),
      ],
      indices: { '13055': fakeCommuneIndices('13055', 'Marseille', [{ date: '2025-10-10', code: 2 }]) },
    });
    const puller = s.puller({ communes: ['13055'] });
    await puller.pullOnce();
    const first = await snapshot(s.db);
    expect(first.readings).toHaveLength(120);

    await puller.pullOnce();
    expect(await snapshot(s.db)).toEqual(first);

    // AtmoSud publishes one new hour: exactly that row appears.
    s.fake.data.measures.push(fakeMeasure('FR00008', 'o3', T(0), 71));
    const summary = await puller.pullOnce();
    expect(summary.values).toMatchObject({ inserted: 1, replaced: 0, unchanged: 120 });
    const third = await snapshot(s.db);
    expect(
      third.readings.filter(
        (r) =>
          !first.readings.some(
            (f) => f.station_id === r.station_id && f.phenomenon === r.phenomenon && f.time === r.time,
          ),
      ),
    ).toEqual([
      expect.objectContaining({ station_id: 'atmosud-FR00008', phenomenon: 'o3', time: T(0), value: 71 }),
    ]);
    expect(third.stations).toEqual(first.stations);
    expect(await storedRollups(s.db, 'rollups_hourly')).toEqual(await recomputedRollups(s.db, HOUR));
  });

  it('asks for one pollutant per request, every pollutant the station names, in service or not', async () => {
    s = await setup({
      stations: [
        fakeStation('FR00008', { pollutants: ['no2', 'pm2.5', 'nox'], retired: ['pm10'] }),
        // No metadata: every pulled pollutant is asked for.
        { ...fakeStation('FR03043'), variables: undefined },
      ],
    });
    const summary = await s.puller().pullOnce();

    expect(summary.status).toBe('ok');
    const asked = (code: string) =>
      s.fake
        .requestsTo('measures')
        .filter((r) => r.query.station_id === code)
        .map((r) => r.query.nom_polluant)
        .sort();
    expect(asked('FR00008')).toEqual(['no2', 'pm10', 'pm2.5']);
    expect(asked('FR03043')).toEqual(['no2', 'o3', 'pm1', 'pm10', 'pm2.5', 'so2']);
  });

  it('starts each pull at the cursor minus the overlap window', async () => {
    s = await setup({ stations: [fakeStation('FR03043', { pollutants: ['no2'] })] });
    let now = NOW;
    const puller = s.puller({ now: () => now, overlapMs: 6 * HOUR, initialLookbackMs: 3 * DAY });
    await puller.pullOnce();
    now += 2 * HOUR;
    await puller.pullOnce();

    const windows = s.fake
      .requestsTo('measures')
      .filter((r) => r.query.nom_polluant === 'no2')
      .map((r) => [r.query.date_debut, r.query.date_fin]);
    expect(windows).toEqual([
      ['2025-10-07T12:00:00Z', '2025-10-10T13:00:00Z'], // no cursor: 3 days back, whole hours
      ['2025-10-10T06:00:00Z', '2025-10-10T15:00:00Z'], // cursor 12:30 − 6 h
    ]);
    const cursor = await s.db
      .selectFrom('pull_cursors')
      .selectAll()
      .where('key', '=', 'atmosud-FR03043:no2')
      .executeTakeFirst();
    expect(cursor).toMatchObject({ source: 'atmosud', cursor: now });
  });

  it('stores a value of a pollutant the station no longer declares in service, without declaring it', async () => {
    s = await setup({
      stations: [fakeStation('FR00008', { pollutants: ['no2'], retired: ['pm10'] })],
      measures: [fakeMeasure('FR00008', 'no2', T(2), 30), fakeMeasure('FR00008', 'pm10', T(2), 22)],
    });
    const summary = await s.puller().pullOnce();

    expect(summary.values).toMatchObject({ inserted: 2, notInService: 1 });
    expect((await readings(s.db)).map((r) => r.phenomenon)).toEqual(['no2', 'pm10']);
    const station = await s.db.selectFrom('stations').select('pollutants').executeTakeFirstOrThrow();
    expect(JSON.parse(station.pollutants!)).toEqual(['no2']);
  });

  it('keeps a station out of service without pulling its values, and retires one AtmoSud stops listing', async () => {
    s = await setup({
      stations: [
        fakeStation('FR03043'),
        fakeStation('FR03006'),
        fakeStation('FR03099', { inService: false }),
      ],
    });
    const puller = s.puller();
    await puller.pullOnce();
    expect([...new Set(s.fake.requestsTo('measures').map((r) => r.query.station_id))].sort()).toEqual([
      'FR03006',
      'FR03043',
    ]);

    s.fake.data.stations.splice(1, 1); // FR03006 disappears from the list of stations in service
    const summary = await puller.pullOnce();
    expect(summary.stations.retired).toBe(1);
    const rows = await s.db.selectFrom('stations').select(['id', 'in_service']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'atmosud-FR03006', in_service: 0 },
      { id: 'atmosud-FR03043', in_service: 1 },
      { id: 'atmosud-FR03099', in_service: 0 },
    ]);
  });

  it('rejects a bad station or value alone and says why in the ingest error log', async () => {
    s = await setup({
      stations: [
        fakeStation('FR03043', { pollutants: ['no2'] }),
        fakeStation('FR03999', { extra: { latitude: null } }),
      ],
      measures: [
        fakeMeasure('FR03043', 'no2', T(1), 25),
        fakeMeasure('FR03043', 'no2', T(2), -40),
        fakeMeasure('FR03043', 'no2', 'hier à 8 h', 25),
        fakeMeasure('FR03043', 'no2', T(4), 25, { unit: 'mg-m3' }),
        fakeMeasure('FR03043', 'no2', T(5), 25, { extra: { valeur: 'n/a' } }),
        fakeMeasure('FR03043', 'no2', T(6), 25, { extra: { polluant_id: '99', label_polluant: 'Benzène' } }),
      ],
    });
    const summary = await s.puller().pullOnce();

    expect(summary.status).toBe('partial');
    expect(summary.values).toMatchObject({ inserted: 1, rejected: 5 });
    expect((await readings(s.db)).map((r) => r.time)).toEqual([T(1)]);
    const reasons = (await listIngestErrors(s.db, { deviceId: null, source: 'atmosud' }))
      .map((e) => e.reason)
      .join('\n');
    expect(reasons).toContain('station FR03999 rejected: field "latitude"');
    expect(reasons).toMatch(/no2: -40 µg-m3 .*outside the physical range/);
    expect(reasons).toContain('field "date_debut": "hier à 8 h"');
    expect(reasons).toContain('unit "mg-m3" is not accepted');
    expect(reasons).toContain('field "valeur"');
    expect(reasons).toContain('unknown pollutant (polluant_id "99"');
    const errors = await listIngestErrors(s.db, { source: 'atmosud' });
    expect(
      errors.every(
        (e) => e.device_id === null && e.payload !== null && e.topic?.startsWith('GET /observations'),
      ),
    ).toBe(true);
  });

  it('accepts the documented shapes verbatim (recorded fixtures)', async () => {
    const { default: stations } = await import('./fixtures/stations.json', { with: { type: 'json' } });
    const { default: measures } = await import('./fixtures/measures.json', { with: { type: 'json' } });
    s = await setup({ stations: stations.stations, measures: measures.mesures });
    const summary = await s.puller().pullOnce();

    expect(summary).toMatchObject({ status: 'ok', errors: 0 });
    expect(summary.values).toMatchObject({ inserted: 2, skippedNull: 1, rejected: 0 });
    const verneuil = await s.db
      .selectFrom('stations')
      .selectAll()
      .where('id', '=', 'atmosud-FR00008')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(verneuil.pollutants!)).toEqual(['pm25', 'no2']);
  });

  it('does not overlap cycles: a pull asked for during a cycle joins it', async () => {
    s = await setup({ stations: [fakeStation('FR03043')] });
    const puller = s.puller();
    const [a, b] = await Promise.all([puller.pullOnce(), puller.pullOnce()]);
    expect(a).toBe(b);
    expect(s.fake.requestsTo('stations')).toHaveLength(1);
  });

  it('runs on a schedule once started, and stops cleanly', async () => {
    s = await setup({ stations: [fakeStation('FR03043')] });
    const puller = s.puller({ intervalMs: 20 });
    puller.start();
    await expect
      .poll(() => s.fake.requestsTo('stations').length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(3);
    await puller.stop();
    const count = s.fake.requestsTo('stations').length;
    await new Promise((r) => setTimeout(r, 100));
    expect(s.fake.requestsTo('stations')).toHaveLength(count);
  });
});

const round = (x: number) => Math.round(x * 1e9) / 1e9;
