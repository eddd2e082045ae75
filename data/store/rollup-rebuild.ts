// Rebuilds the hourly rollups of the series queued by migration 0004 from their readings, one
// series per transaction, so that a kill loses at most the series in progress and the next
// `souffle migrate` (or any start, which migrates) resumes with the rest. A series leaves the queue
// in the transaction that rebuilt it, so the queue is the progress marker.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { DAY_MS, HOUR_MS, bucketOf, recomputeRollups } from './rollups.js';

export type RebuildProgress = { done: number; total: number; seriesId: number };

export type RebuildOptions = {
  /** Called after each series is committed. */
  onProgress?: (progress: RebuildProgress) => void;
  /** Readings read into memory at once: a series is recomputed by windows of this width. */
  windowMs?: number;
};

const count = async (db: Kysely<Database>, table: 'series' | 'rollup_rebuild_queue') =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Rebuilds every queued series; returns how many it rebuilt (0 when the queue was empty). */
export async function rebuildQueuedRollups(
  db: Kysely<Database>,
  options: RebuildOptions = {},
): Promise<number> {
  const windowMs = Math.max(HOUR_MS, bucketOf(options.windowMs ?? 30 * DAY_MS, HOUR_MS));
  const pending = await count(db, 'rollup_rebuild_queue');
  if (pending === 0) return 0;
  const total = await count(db, 'series');
  let done = total - pending;
  let rebuilt = 0;
  for (;;) {
    const next = await db
      .selectFrom('rollup_rebuild_queue')
      .select('series_id')
      .orderBy('series_id')
      .limit(1)
      .executeTakeFirst();
    if (!next) break;
    const seriesId = next.series_id;
    const took = await db.transaction().execute(async (trx) => {
      // Taken off the queue first, in the same transaction: another process rebuilding at the same
      // time (several workers starting on PostgreSQL) waits on this row, then finds it gone and
      // skips the series instead of rebuilding it twice; a failure leaves it queued.
      const taken = await trx
        .deleteFrom('rollup_rebuild_queue')
        .where('series_id', '=', seriesId)
        .returning('series_id')
        .execute();
      if (taken.length === 0) return false;
      const range = await trx
        .selectFrom('readings')
        .select((eb) => [eb.fn.min('time').as('first'), eb.fn.max('time').as('last')])
        .where('series_id', '=', seriesId)
        .executeTakeFirst();
      if (range?.first != null && range.last != null) {
        for (let w = bucketOf(Number(range.first), HOUR_MS); w <= Number(range.last); w += windowMs) {
          await recomputeRollups(trx, seriesId, w, w + windowMs - 1);
        }
      }
      return true;
    });
    if (!took) continue;
    done = Math.min(total, done + 1);
    rebuilt += 1;
    options.onProgress?.({ done, total, seriesId });
  }
  return rebuilt;
}
