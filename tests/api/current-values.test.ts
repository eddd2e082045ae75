// The materialised current values and indices (migration 0012) answer exactly what a
// recomputation from the readings and rollups answers, whatever was written, replaced or flagged
// since they were stored; and the API's cache of those answers follows new data at once.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { ChangeSignal } from '../../data/change-signal.js';
import { postgresChangeSignal } from '../../data/change-signal-postgres.js';
import { openDatabase } from '../../data/db.js';
import { openPostgres } from '../../data/db-postgres.js';
import type { Db } from '../../data/db.js';
import { FLAGS } from '../../data/flags.js';
import { refreshCurrentIndices } from '../../data/store/current-indices.js';
import { addReadingFlags } from '../../data/store/reading-flags.js';
import { insertReadings, upsertReadings, type NewReading } from '../../data/store/readings.js';
import { ensureSeries, type SeriesCache } from '../../data/store/series.js';
import { ADMIN_TOKEN, HOUR, NOW, citizen, fixture, json, reference, type Fixture } from './fixtures.js';

const STATIONS = ['cv-citizen-a', 'cv-citizen-b', 'cv-reference'] as const;
const PHENOMENA = ['pm25', 'pm10', 'no2', 'o3', 'temperature'] as const;
const CLOCK = { now: NOW, timeZone: 'Europe/Paris' };
const NOW_HOUR = Math.floor(NOW / HOUR) * HOUR;

/** A reading somewhere in the two days the indices of now look at, or in the hour in progress. */
const aReading = fc.record({
  station: fc.nat({ max: STATIONS.length - 1 }),
  // Mostly the series the base has, whose completed hours the indices read.
  phenomenon: fc.constantFrom('pm25', 'pm25', 'no2', 'no2', ...PHENOMENA),
  sensor: fc.constantFrom('S1', 'S1', 'S1', 'S2'),
  hoursAgo: fc.nat({ max: 40 }),
  minute: fc.nat({ max: 59 }),
  value: fc.integer({ min: 0, max: 3000 }).map((v) => v / 10),
  flags: fc.constantFrom(0, 0, 0, FLAGS.humid, FLAGS.spike),
});
type Reading = typeof aReading extends fc.Arbitrary<infer T> ? T : never;

/** What happens after the indices were stored: more readings, values re-sent changed, flags set later. */
const aChange = fc.oneof(
  {
    // Late readings are the change that only the write path's forgetting catches: weigh them up.
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('readings' as const),
      readings: fc.array(aReading, { minLength: 1, maxLength: 8 }),
    }),
  },
  fc.record({
    kind: fc.constant('resend' as const),
    index: fc.nat(),
    value: fc.integer({ max: 3000, min: 0 }),
  }),
  fc.record({
    kind: fc.constant('flag' as const),
    index: fc.nat(),
    hours: fc.integer({ min: 1, max: 6 }),
    flag: fc.constantFrom(FLAGS.stuck, FLAGS.channel_disagreement),
  }),
  fc.record({ kind: fc.constant('reference' as const), readings: fc.array(aReading, { maxLength: 4 }) }),
);

/** Hourly values of every station's pm25 and no2 over 36 hours, so that each index is available. */
const aBase = fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 36, maxLength: 36 });
const baseReadings = (values: readonly number[]): Reading[] =>
  STATIONS.flatMap((_, station) =>
    (['pm25', 'no2'] as const).flatMap((phenomenon) =>
      values.map((v, i) => ({
        station,
        phenomenon,
        sensor: 'S1' as const,
        hoursAgo: i + 1,
        minute: 10,
        value: (v * (station + 1)) / 10,
        flags: 0,
      })),
    ),
  );

const timeOf = (r: Reading) => NOW_HOUR - r.hoursAgo * HOUR + r.minute * 60_000;

describe('current values and indices, stored and recomputed', () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await fixture();
    await citizen(f.db, { id: STATIONS[0], lat: 43.3, lon: 5.4 });
    await citizen(f.db, { id: STATIONS[1], lat: 43.31, lon: 5.41 });
    await reference(f.db, { id: STATIONS[2], lat: 43.29, lon: 5.39 });
  });
  afterAll(async () => f?.cleanup());

  /** Every answer the materialised tables serve: each station's latest (corrected and raw), the lists. */
  const answers = async () => {
    const paths = [
      ...STATIONS.flatMap((id) => [
        `/api/v1/stations/${id}/latest`,
        `/api/v1/stations/${id}/latest?values=raw`,
      ]),
      '/api/v1/stations?index=atmo',
      '/api/v1/stations?index=eaqi',
      '/api/v1/stations?index=usaqi',
      '/api/v1/latest?phenomenon=pm25',
      '/api/v1/latest?phenomenon=temperature',
    ];
    const out: Record<string, unknown> = {};
    for (const path of paths) {
      const res = await f.app.request(path);
      expect(res.status, path).toBe(200);
      out[path] = await json(res);
    }
    return out;
  };

  /** The tables' contents thrown away and recomputed from the readings, as the migration does. */
  const recompute = async (db: Db) => {
    await sql`delete from current_indices`.execute(db);
    await sql`delete from current_values`.execute(db);
    await sql`insert into current_values (series_id, time, value, flags, validation)
              select r.series_id, r.time, r.value, r.flags, r.validation from series s
                join readings r on r.series_id = s.id
                 and r.time = (select max(m.time) from readings m where m.series_id = s.id)`.execute(db);
  };

  it('answers /latest, /stations?index= and /latest?phenomenon= as a recomputation does, whatever changed since', async () => {
    let storedRuns = 0;
    await fc.assert(
      fc.asyncProperty(
        aBase,
        fc.array(aReading, { maxLength: 40 }),
        fc.array(aChange, { maxLength: 6 }),
        fc.boolean(),
        async (base, extra, changes, refreshAfter) => {
          const initial = [...baseReadings(base), ...extra];
          const db = f.db;
          await sql`delete from series`.execute(db);
          await sql`delete from current_indices`.execute(db);
          const cache: SeriesCache = new Map();
          const seriesOf = (r: Reading, covers: number) =>
            ensureSeries(
              db,
              {
                stationId: STATIONS[r.station]!,
                phenomenon: r.phenomenon,
                sensor: r.sensor,
                unit: 'x',
                covers,
              },
              cache,
            );
          // Hourly means (covers: an hour) make valid hours out of one reading, so indices are available.
          const asReadings = async (rs: readonly Reading[], validation?: string): Promise<NewReading[]> => {
            const out: NewReading[] = [];
            for (const r of rs)
              out.push({
                seriesId: await seriesOf(r, HOUR),
                time: timeOf(r),
                value: r.value,
                flags: r.flags,
                covers: HOUR,
                ...(validation ? { validation } : {}),
              });
            return out;
          };
          const first = await asReadings(initial);
          // In a few batches, as the worker commits them.
          for (let i = 0; i < first.length; i += 97) await insertReadings(db, first.slice(i, i + 97));
          await refreshCurrentIndices(db, CLOCK);
          expect(
            Number(
              (await sql<{ n: number }>`select count(*) as n from current_indices`.execute(db)).rows[0]!.n,
            ),
          ).toBe(STATIONS.length);
          for (const change of changes) {
            if (change.kind === 'readings') await insertReadings(db, await asReadings(change.readings));
            else if (change.kind === 'reference')
              await upsertReadings(db, await asReadings(change.readings, 'provisional'));
            else if (change.kind === 'resend') {
              const r = first[change.index % first.length]!;
              await insertReadings(db, [{ ...r, value: change.value / 10 }]);
            } else {
              const r = first[change.index % first.length]!;
              await addReadingFlags(
                db,
                { seriesId: r.seriesId, from: r.time - change.hours * HOUR, to: r.time },
                change.flag,
              );
            }
          }
          if (refreshAfter) {
            await refreshCurrentIndices(db, CLOCK);
            storedRuns += 1;
          }
          const stored = await answers();
          await recompute(db);
          expect(stored).toEqual(await answers());
        },
      ),
      // PostgreSQL's round trips make a run ~10× slower: fewer runs there keep the file in seconds.
      { numRuns: f.handle.dialect === 'postgres' ? 6 : 25 },
    );
    expect(storedRuns).toBeGreaterThan(0);
    // The indices compared were computed, not all unavailable for want of hours.
    const list = await json<{ stations: { index?: { available: boolean } }[] }>(
      await f.app.request('/api/v1/stations?index=eaqi'),
    );
    expect(list.stations.every((s) => s.index?.available)).toBe(true);
  });
});

describe("the API's cache of current values", () => {
  it('answers a value written by another connection, or by its own, at the next request', async () => {
    const f = await fixture();
    let signal: ChangeSignal | undefined;
    let other: { db: Db; close: () => Promise<void> } | undefined;
    try {
      await citizen(f.db, { id: 'cache-1', lat: 43.3, lon: 5.4 });
      const seriesId = await ensureSeries(f.db, {
        stationId: 'cache-1',
        phenomenon: 'pm25',
        sensor: 'S1',
        unit: 'µg/m³',
      });
      await insertReadings(f.db, [{ seriesId, time: NOW - 10 * 60_000, value: 12 }]);
      // On PostgreSQL, the entry point passes the LISTEN signal; SQLite's is the default.
      let app = f.app;
      if (f.handle.url) {
        signal = await postgresChangeSignal(f.handle.url);
        app = createApp({
          db: f.db,
          adminToken: ADMIN_TOKEN,
          publicUrl: 'https://souffle.example.org',
          mqttUrl: 'mqtt://souffle.example.org:1883',
          now: () => NOW,
          webDir: '/nonexistent-souffle-web',
          changes: signal,
        });
        other = await openPostgres(f.handle.url, { migrate: false });
      } else other = await openDatabase(f.handle.path, { migrate: false });
      const latestValue = async () => {
        const body = await json<{ values: { value: number }[] }>(
          await app.request('/api/v1/stations/cache-1/latest'),
        );
        return body.values[0]?.value;
      };
      expect(await latestValue()).toBe(12);
      expect(await latestValue()).toBe(12); // now from the cache
      // Another process (the ingest worker) commits a newer reading.
      await insertReadings(other.db, [{ seriesId, time: NOW - 5 * 60_000, value: 34 }]);
      // PostgreSQL's notification arrives just after the commit: poll for it.
      await expect.poll(latestValue).toBe(34);
      // The same connection writes (`souffle start` shares it between worker and API).
      await insertReadings(f.db, [{ seriesId, time: NOW - 60_000, value: 56 }]);
      await expect.poll(latestValue).toBe(56);
    } finally {
      await signal?.close();
      await other?.close();
      await f.cleanup();
    }
  });
});
