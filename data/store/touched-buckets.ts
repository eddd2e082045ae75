// Rebuilding the rollup buckets that hold some changed rows of a series. A replaced or removed
// value cannot be subtracted from a bucket (its min and max would be wrong), so the buckets are
// recomputed from the raw rows with recomputeRollups.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { DAY_MS, bucketOf, recomputeRollups } from './rollups.js';

/**
 * Recomputes the buckets holding `rows`, one recomputation per series and UTC day: a call rebuilds
 * every bucket between its first and last time, so two corrections a month apart must not rebuild
 * the month between them. Call after the rows were written (and after addToRollups of any rows
 * inserted in the same transaction: the recomputation counts them, an addition after it would
 * count them twice).
 */
export async function recomputeBucketsOf(
  trx: Transaction<Database> | Kysely<Database>,
  rows: readonly { seriesId: number; time: number }[],
): Promise<void> {
  const spans = new Map<string, { seriesId: number; from: number; to: number }>();
  for (const { seriesId, time } of rows) {
    const key = `${seriesId}:${bucketOf(time, DAY_MS)}`;
    const span = spans.get(key);
    if (!span) spans.set(key, { seriesId, from: time, to: time });
    else {
      span.from = Math.min(span.from, time);
      span.to = Math.max(span.to, time);
    }
  }
  const ordered = [...spans.values()].sort((a, b) => a.seriesId - b.seriesId || a.from - b.from);
  for (const { seriesId, from, to } of ordered) await recomputeRollups(trx, seriesId, from, to);
}
