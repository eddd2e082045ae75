// Removing provisional reference values that their publisher withdrew: AtmoSud invalidates an
// hour by answering `valeur: null` for it, or by no longer listing it (docs/atmosud.md,
// "Invalidations"). Only provisional rows go: a validated value is AtmoSud's final word and is
// never removed by a later answer. The rollup buckets of removed rows are recomputed in the same
// transaction, so no chart, daily value or index keeps counting a withdrawn value.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { recomputeBucketsOf } from './touched-buckets.js';

/**
 * Deletes the rows of `seriesId` at `times` whose validation is "provisional", recomputes their
 * buckets, and returns the times actually removed (validated or absent rows stay as they are).
 */
export async function removeProvisionalReadings(
  trx: Transaction<Database> | Kysely<Database>,
  seriesId: number,
  times: readonly number[],
): Promise<number[]> {
  if (times.length === 0) return [];
  if (!trx.isTransaction)
    return trx.transaction().execute((t) => removeProvisionalReadings(t, seriesId, times));
  const removed: number[] = [];
  // Chunks stay under SQLite's bound-parameter limit.
  for (let i = 0; i < times.length; i += 500) {
    const rows = await trx
      .deleteFrom('readings')
      .where('series_id', '=', seriesId)
      .where('validation', '=', 'provisional')
      .where('time', 'in', times.slice(i, i + 500))
      .returning('time')
      .execute();
    removed.push(...rows.map((r) => Number(r.time)));
  }
  await recomputeBucketsOf(
    trx,
    removed.map((time) => ({ seriesId, time })),
  );
  return removed.sort((a, b) => a - b);
}
