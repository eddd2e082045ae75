// Hourly rollups of the raw readings: count, sum, min, max and sum of squares of the readings that
// count (those without a flag of EXCLUDED_FROM_MEANS), the 5-minute slots they cover
// (data/hourly-validity.ts), how many readings were left out for their flags and how many of those
// counted were flagged humid. Written in the same transaction as the readings, so a chart over
// months reads a few thousand rollup rows instead of millions of raw ones, and never sees a rollup
// ahead of or behind its rows. Daily values are computed from these on read (read-daily.ts): a
// local day is not a fixed-width bucket, and its value is a mean of valid hourly means.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { scalarMinMax } from '../dialect.js';
import { EXCLUDED_FROM_MEANS, FLAGS } from '../flags.js';
import { HOUR_MS, slotsOf } from '../hourly-validity.js';
import { executeCompiled } from './compiled.js';
import { forgetCurrentIndices } from './current-indices.js';
import { refreshCurrentValue } from './current-values.js';
import { fixedChunks } from './fixed-chunks.js';

export { HOUR_MS };
export const DAY_MS = 86_400_000;

/** Start (UTC, epoch ms) of the bucket of width `width` holding `time`. */
export function bucketOf(time: number, width: number): number {
  return Math.floor(time / width) * width;
}

/** A reading as the rollups see it. `covers`: ms the value is a mean over (0: an instant). */
export type RollupValue = { seriesId: number; time: number; value: number; flags: number; covers: number };

export type HourAggregate = {
  seriesId: number;
  bucket: number;
  /** Counted readings (not excluded by a flag). */
  n: number;
  sum: number;
  /** null when no reading of the hour counted (n = 0). */
  min: number | null;
  max: number | null;
  sumSq: number;
  slots: number;
  nFlagged: number;
  nHumid: number;
};

/**
 * Folds readings into one aggregate per (series, hour): the one rule of what counts, shared by the
 * incremental path (addToRollups) and the recomputation from rows (recomputeRollups).
 */
export function aggregateHours(values: readonly RollupValue[]): HourAggregate[] {
  const byKey = new Map<string, HourAggregate>();
  for (const { seriesId, time, value, flags, covers } of values) {
    const bucket = bucketOf(time, HOUR_MS);
    const key = `${seriesId}:${bucket}`;
    let a = byKey.get(key);
    if (!a) {
      a = {
        seriesId,
        bucket,
        n: 0,
        sum: 0,
        min: null,
        max: null,
        sumSq: 0,
        slots: 0,
        nFlagged: 0,
        nHumid: 0,
      };
      byKey.set(key, a);
    }
    if ((flags & EXCLUDED_FROM_MEANS) !== 0) {
      a.nFlagged += 1;
      continue;
    }
    a.n += 1;
    a.sum += value;
    a.sumSq += value * value;
    if (a.min === null || value < a.min) a.min = value;
    if (a.max === null || value > a.max) a.max = value;
    a.slots |= slotsOf(time, covers);
    if ((flags & FLAGS.humid) !== 0) a.nHumid += 1;
  }
  return [...byKey.values()];
}

/**
 * Adds newly inserted readings to the hourly rollups: aggregated in memory per (series, hour)
 * first, so that each bucket a batch touches is upserted once, however many of its values fall
 * in it. Call inside the transaction that inserted them.
 */
export async function addToRollups(
  trx: Transaction<Database> | Kysely<Database>,
  values: readonly RollupValue[],
): Promise<void> {
  if (values.length === 0) return;
  // In key order: two writers at once (PostgreSQL) then lock the buckets they share in the same
  // order and cannot deadlock on them.
  const aggregates = aggregateHours(values).sort((a, b) => a.seriesId - b.seriesId || a.bucket - b.bucket);
  // Statements of a few row counts (fixedChunks), each prepared once: a count per batch size
  // would prepare hundreds of statements and push each other out of the statement cache.
  for (const chunk of fixedChunks(aggregates, 128)) await upsertAggregates(trx, chunk);
}

async function upsertAggregates(
  trx: Transaction<Database> | Kysely<Database>,
  aggregates: readonly HourAggregate[],
): Promise<void> {
  const fn = scalarMinMax(trx);
  // min/max are null in an hour whose readings were all excluded: SQLite's scalar min() is null if
  // either side is, PostgreSQL's least() ignores nulls; coalesce makes both keep the other side.
  const merge = (f: string, column: 'min' | 'max') =>
    sql<number>`coalesce(${sql.raw(f)}(rollups_hourly.${sql.raw(column)}, excluded.${sql.raw(column)}), rollups_hourly.${sql.raw(column)}, excluded.${sql.raw(column)})`;
  await executeCompiled(
    trx,
    `add-rollups:${aggregates.length}`,
    () =>
      trx
        .insertInto('rollups_hourly')
        .values(aggregates.map(toRow))
        .onConflict((oc) =>
          oc.columns(['series_id', 'bucket']).doUpdateSet({
            n: sql<number>`rollups_hourly.n + excluded.n`,
            sum: sql<number>`rollups_hourly.sum + excluded.sum`,
            min: merge(fn.min, 'min'),
            max: merge(fn.max, 'max'),
            sum_sq: sql<number>`rollups_hourly.sum_sq + excluded.sum_sq`,
            slots: sql<number>`rollups_hourly.slots | excluded.slots`,
            n_flagged: sql<number>`rollups_hourly.n_flagged + excluded.n_flagged`,
            n_humid: sql<number>`rollups_hourly.n_humid + excluded.n_humid`,
          }),
        ),
    aggregates.flatMap((a) => [
      a.seriesId,
      a.bucket,
      a.n,
      a.sum,
      a.min,
      a.max,
      a.sumSq,
      a.slots,
      a.nFlagged,
      a.nHumid,
    ]),
  );
}

function toRow(a: HourAggregate) {
  return {
    series_id: a.seriesId,
    bucket: a.bucket,
    n: a.n,
    sum: a.sum,
    min: a.min,
    max: a.max,
    sum_sq: a.sumSq,
    slots: a.slots,
    n_flagged: a.nFlagged,
    n_humid: a.nHumid,
  };
}

/**
 * Recomputes the hourly rollups of one series that cover [from, to] from its raw rows, under the
 * same rule as addToRollups (aggregateHours). Used when values or flags change (a provisional
 * reference value validated later, readings flagged after the fact) and by the migration that
 * rebuilds every rollup: min and max cannot be decremented, so the buckets are rebuilt rather than
 * patched. The series' `covers` says what each of its readings covers (AtmoSud: its hour).
 */
export async function recomputeRollups(
  trx: Transaction<Database> | Kysely<Database>,
  seriesId: number,
  from: number,
  to: number,
): Promise<void> {
  const start = bucketOf(from, HOUR_MS);
  const end = bucketOf(to, HOUR_MS) + HOUR_MS;
  const series = await trx
    .selectFrom('series')
    .select('covers')
    .where('id', '=', seriesId)
    .executeTakeFirst();
  const covers = series?.covers ?? 0;
  await trx
    .deleteFrom('rollups_hourly')
    .where('series_id', '=', seriesId)
    .where('bucket', '>=', start)
    .where('bucket', '<', end)
    .execute();
  const rows = await trx
    .selectFrom('readings')
    .select(['time', 'value', 'flags'])
    .where('series_id', '=', seriesId)
    .where('time', '>=', start)
    .where('time', '<', end)
    .execute();
  const aggregates = aggregateHours(
    rows.map((r) => ({ seriesId, time: r.time, value: r.value, flags: r.flags, covers })),
  );
  // Insert in chunks: SQLite limits bound parameters per statement (32766 since 3.32).
  for (let i = 0; i < aggregates.length; i += 1000) {
    await trx
      .insertInto('rollups_hourly')
      .values(aggregates.slice(i, i + 1000).map(toRow))
      .execute();
  }
  // Rows of the series were rewritten: its current value and its station's indices follow.
  await refreshCurrentValue(trx, seriesId);
  await forgetCurrentIndices(trx, [{ seriesId, time: start }]);
}
