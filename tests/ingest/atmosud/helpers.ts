// Shared set-up of the AtmoSud tests: a real SQLite file, the fake AtmoSud on a real port, a fixed
// data clock, short timeouts and backoffs so that no test waits long, and a log collector.
import { sql } from 'kysely';
import type { Db } from '../../../data/db.js';
import { createAtmosudPuller, type AtmosudPullerOptions } from '../../../ingest/atmosud/puller.js';
import type { AtmosudLogger } from '../../../ingest/atmosud/pull-context.js';
import { startFakeAtmosud, type FakeAtmosud, type FakeAtmosudData } from '../../helpers/fake-atmosud.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** The data clock of every test: 10 October 2025, 12:30 UTC (14:30 in Marseille). */
export const NOW = Date.parse('2025-10-10T12:30:00Z');

export type Logged = { level: string; message: string }[];

export function collectLogs(): { logger: AtmosudLogger; lines: Logged } {
  const lines: Logged = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

export const FAST = { timeoutMs: 300, retries: 2, backoffMs: 5, maxBackoffMs: 20, retryAfterCapMs: 2000 };

export type Setup = {
  db: Db;
  tmp: TempDb;
  fake: FakeAtmosud;
  lines: Logged;
  puller: (extra?: Partial<AtmosudPullerOptions>) => ReturnType<typeof createAtmosudPuller>;
  cleanup: () => Promise<void>;
};

export async function setup(data: Partial<FakeAtmosudData> = {}): Promise<Setup> {
  const tmp = await tempDb();
  const fake = await startFakeAtmosud({ data });
  const { logger, lines } = collectLogs();
  const pullers: ReturnType<typeof createAtmosudPuller>[] = [];
  return {
    db: tmp.db,
    tmp,
    fake,
    lines,
    puller: (extra = {}) => {
      const p = createAtmosudPuller({
        db: tmp.db,
        baseUrl: fake.url,
        departments: ['13'],
        communes: [],
        overlapMs: 48 * HOUR,
        concurrency: 2,
        intervalMs: 15 * 60_000,
        logger,
        now: () => NOW,
        ...FAST,
        ...extra,
      });
      pullers.push(p);
      return p;
    },
    cleanup: async () => {
      await Promise.all(pullers.map((p) => p.stop()));
      await fake.close();
      await tmp.cleanup();
    },
  };
}

/** Every reading with its station and phenomenon, in a stable order. */
export async function readings(db: Db) {
  return db
    .selectFrom('readings as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['s.station_id', 's.phenomenon', 's.sensor', 's.unit', 'r.time', 'r.value', 'r.validation'])
    .orderBy('s.station_id')
    .orderBy('s.phenomenon')
    .orderBy('r.time')
    .execute();
}

/** What the puller owns in the database, without the bookkeeping that moves with the clock. */
export async function snapshot(db: Db) {
  return {
    stations: await db.selectFrom('stations').selectAll().orderBy('id').execute(),
    readings: await readings(db),
    hourly: await db
      .selectFrom('rollups_hourly')
      .selectAll()
      .orderBy('series_id')
      .orderBy('bucket')
      .execute(),
    indices: await db.selectFrom('commune_indices').selectAll().orderBy('insee').orderBy('date').execute(),
    errors: await db.selectFrom('ingest_errors').selectAll().orderBy('id').execute(),
  };
}

/** The rollups as they would be recomputed from the raw rows now. */
export async function recomputedRollups(db: Db, width: number) {
  const rows = await sql<{
    series_id: number;
    bucket: number;
    n: number;
    sum: number;
    min: number;
    max: number;
  }>`
    select series_id, (time / ${sql.lit(width)}) * ${sql.lit(width)} as bucket, count(*) as n, sum(value) as sum,
           min(value) as min, max(value) as max
    from readings group by series_id, bucket order by series_id, bucket`.execute(db);
  return rows.rows;
}

export async function storedRollups(db: Db, table: 'rollups_hourly' = 'rollups_hourly') {
  return db
    .selectFrom(table)
    .select(['series_id', 'bucket', 'n', 'sum', 'min', 'max'])
    .orderBy('series_id')
    .orderBy('bucket')
    .execute();
}
