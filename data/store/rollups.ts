// Hourly and daily rollups (count, sum, min, max, sum of squares) of the raw readings. They are
// written in the same transaction as the readings, so a chart over months reads a few hundred
// rollup rows instead of millions of raw ones, and never sees a rollup ahead of or behind its rows.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { scalarMinMax } from '../dialect.js';
import { executeCompiled } from './compiled.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type RollupTable = 'rollups_hourly' | 'rollups_daily';
const ROLLUP_TABLES: readonly { table: RollupTable; width: number }[] = [
  { table: 'rollups_hourly', width: HOUR_MS },
  { table: 'rollups_daily', width: DAY_MS },
];

/** Start (UTC, epoch ms) of the bucket of width `width` holding `time`. */
export function bucketOf(time: number, width: number): number {
  return Math.floor(time / width) * width;
}

type Value = { seriesId: number; time: number; value: number };
type Aggregate = {
  seriesId: number;
  bucket: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  sumSq: number;
};

/** Folds values into one aggregate per (series, bucket), so a message costs one upsert per series. */
function aggregate(values: readonly Value[], width: number): Aggregate[] {
  const byKey = new Map<string, Aggregate>();
  for (const { seriesId, time, value } of values) {
    const bucket = bucketOf(time, width);
    const key = `${seriesId}:${bucket}`;
    const a = byKey.get(key);
    if (a) {
      a.n += 1;
      a.sum += value;
      a.sumSq += value * value;
      if (value < a.min) a.min = value;
      if (value > a.max) a.max = value;
    } else {
      byKey.set(key, { seriesId, bucket, n: 1, sum: value, min: value, max: value, sumSq: value * value });
    }
  }
  return [...byKey.values()];
}

/** Adds newly inserted values to both rollup tables. Call inside the transaction that inserted them. */
export async function addToRollups(trx: Transaction<Database> | Kysely<Database>, values: readonly Value[]) {
  if (values.length === 0) return;
  for (const { table, width } of ROLLUP_TABLES) {
    const aggregates = aggregate(values, width);
    const fn = scalarMinMax(trx);
    await executeCompiled(
      trx,
      `add-rollups:${table}:${aggregates.length}`,
      () =>
        trx
          .insertInto(table)
          .values(aggregates.map(toRow))
          .onConflict((oc) =>
            oc.columns(['series_id', 'bucket']).doUpdateSet((eb) => ({
              n: sql<number>`${eb.ref(`${table}.n`)} + excluded.n`,
              sum: sql<number>`${eb.ref(`${table}.sum`)} + excluded.sum`,
              min: sql<number>`${sql.raw(fn.min)}(${eb.ref(`${table}.min`)}, excluded.min)`,
              max: sql<number>`${sql.raw(fn.max)}(${eb.ref(`${table}.max`)}, excluded.max)`,
              sum_sq: sql<number>`${eb.ref(`${table}.sum_sq`)} + excluded.sum_sq`,
            })),
          ),
      aggregates.flatMap((a) => [a.seriesId, a.bucket, a.n, a.sum, a.min, a.max, a.sumSq]),
    );
  }
}

function toRow(a: Aggregate) {
  return {
    series_id: a.seriesId,
    bucket: a.bucket,
    n: a.n,
    sum: a.sum,
    min: a.min,
    max: a.max,
    sum_sq: a.sumSq,
  };
}

/**
 * Recomputes the rollup buckets of one series that cover [from, to] from its raw rows. Used when a
 * value is replaced (a provisional reference value validated later): min and max cannot be
 * decremented, so the affected buckets are rebuilt rather than patched.
 */
export async function recomputeRollups(
  trx: Transaction<Database> | Kysely<Database>,
  seriesId: number,
  from: number,
  to: number,
): Promise<void> {
  for (const { table, width } of ROLLUP_TABLES) {
    const start = bucketOf(from, width);
    const end = bucketOf(to, width) + width;
    await trx
      .deleteFrom(table)
      .where('series_id', '=', seriesId)
      .where('bucket', '>=', start)
      .where('bucket', '<', end)
      .execute();
    const rows = await trx
      .selectFrom('readings')
      .select(['time', 'value'])
      .where('series_id', '=', seriesId)
      .where('time', '>=', start)
      .where('time', '<', end)
      .execute();
    const aggregates = aggregate(
      rows.map((r) => ({ seriesId, time: r.time, value: r.value })),
      width,
    );
    // Insert in chunks: SQLite limits bound parameters per statement (32766 since 3.32).
    for (let i = 0; i < aggregates.length; i += 1000) {
      await trx
        .insertInto(table)
        .values(aggregates.slice(i, i + 1000).map(toRow))
        .execute();
    }
  }
}
