// The quality flags of stored readings: flags added after the fact (a stuck run is stuck from its
// first reading, known only once it has lasted), with the rollup buckets of the changed readings
// recomputed in the same transaction so that whatever the rollups make of flags stays true to the
// rows; and how many readings of a station carry each flag (a device's status).
import { sql, type Kysely, type Transaction } from 'kysely';
import { FLAG_NAMES, FLAGS, type FlagName } from '../flags.js';
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

/** How many readings of a station's series, from `since` (epoch ms) on, carry each flag. */
export async function countReadingFlags(
  db: Executor,
  stationId: string,
  since: number,
): Promise<Record<FlagName, number>> {
  // Grouped by the whole bit set: a handful of groups, split into flags here.
  const groups = await db
    .selectFrom('readings as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select((eb) => ['r.flags', eb.fn.countAll<number | string>().as('n')])
    .where('s.station_id', '=', stationId)
    .where('r.time', '>=', since)
    .where('r.flags', '<>', 0)
    .groupBy('r.flags')
    .execute();
  const counts = Object.fromEntries(FLAG_NAMES.map((name) => [name, 0])) as Record<FlagName, number>;
  for (const { flags, n } of groups) {
    for (const name of FLAG_NAMES) if ((flags & FLAGS[name]) !== 0) counts[name] += Number(n);
  }
  return counts;
}
