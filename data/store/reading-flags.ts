// Flags added to readings already stored: what a quality check finds only after the fact (a stuck
// run is stuck from its first reading, known once it has lasted). The rollup buckets the changed
// readings fall in are recomputed in the same transaction, so that whatever the rollups make of
// flags stays true to the rows.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { recomputeRollups } from './rollups.js';

type Executor = Transaction<Database> | Kysely<Database>;

export type ReadingRange = {
  seriesId: number;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, inclusive. */
  to: number;
  /** Only the readings of exactly this value (those of the run, not a value stored out of order). */
  value?: number;
};

/**
 * Adds the bits `flags` to the readings of `range` that lack one of them, then recomputes the
 * rollup buckets holding them. Returns how many readings changed.
 */
export async function addReadingFlags(db: Executor, range: ReadingRange, flags: number): Promise<number> {
  if (!db.isTransaction) return db.transaction().execute((trx) => addReadingFlags(trx, range, flags));
  let update = db
    .updateTable('readings')
    .set({ flags: sql<number>`flags | ${flags}` })
    .where('series_id', '=', range.seriesId)
    .where('time', '>=', range.from)
    .where('time', '<=', range.to)
    .where(sql<number>`flags & ${flags}`, '<>', flags);
  if (range.value !== undefined) update = update.where('value', '=', range.value);
  const result = await update.executeTakeFirst();
  const changed = Number(result.numUpdatedRows);
  if (changed > 0) await recomputeRollups(db, range.seriesId, range.from, range.to);
  return changed;
}
