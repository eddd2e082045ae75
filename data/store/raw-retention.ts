// Raw retention (SOUFFLE_RAW_RETENTION): raw readings older than the cut-off are deleted; hourly
// rollups are kept, and every chart over months, daily value, index and long export reads them,
// so those keep their history. Deleted in small batches, each its own short transaction, so the
// ingest worker's commits wait at most one batch for the write lock. On a TimescaleDB hypertable,
// whole chunks entirely before the cut-off are dropped first (drop_chunks: no row-by-row delete,
// and the disk space comes back at once); rows left in the chunk that straddles it go in batches.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { timescaleStatus } from '../timescale.js';
import { dropOrphanCurrentValues } from './current-values.js';

export const RETENTION_BATCH = 5000;

export type RetentionResult = { deleted: number; batches: number; droppedChunks: number };

/**
 * Deletes the raw readings with `time < before`, series by series in key order, at most
 * `batchSize` rows a transaction. `onBatch` sees the running total (logs, tests).
 */
export async function pruneRawReadings(
  db: Kysely<Database>,
  before: number,
  options: { batchSize?: number; onBatch?: (deleted: number) => void } = {},
): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? RETENTION_BATCH;
  let droppedChunks = 0;
  const ts = await timescaleStatus(db);
  if (ts.readingsHypertable && ts.installedIn) {
    const r = await sql<{ chunk: string }>`select ${sql.id(ts.installedIn)}.drop_chunks(
        'readings'::regclass, older_than => ${before}::bigint) as chunk`.execute(db);
    droppedChunks = r.rows.length;
  }
  let deleted = 0;
  let batches = 0;
  // Only series that have rows before the cut-off: the primary key (series_id, time) makes each
  // of these lookups and deletes an index range, never a scan of the table.
  const series = await db
    .selectFrom('series')
    .select('id')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('readings')
          .select('readings.time')
          .whereRef('readings.series_id', '=', 'series.id')
          .where('readings.time', '<', before),
      ),
    )
    .orderBy('id')
    .execute();
  for (const { id } of series) {
    for (;;) {
      // The time of the batch's last row: delete up to it (a range), or to the cut-off when fewer remain.
      const last = await db
        .selectFrom('readings')
        .select('time')
        .where('series_id', '=', id)
        .where('time', '<', before)
        .orderBy('time')
        .offset(batchSize - 1)
        .limit(1)
        .executeTakeFirst();
      const result = await db.transaction().execute((trx) =>
        trx
          .deleteFrom('readings')
          .where('series_id', '=', id)
          .where('time', last ? '<=' : '<', last ? Number(last.time) : before)
          .executeTakeFirst(),
      );
      const n = Number(result.numDeletedRows);
      batches += 1;
      deleted += n;
      options.onBatch?.(deleted);
      if (!last) break;
    }
  }
  // A series whose every reading was before the cut-off has no current value any more either.
  if (series.length > 0 || droppedChunks > 0) await dropOrphanCurrentValues(db, before);
  return { deleted, batches, droppedChunks };
}
