// Writing readings: the one write path of the ingest worker and the AtmoSud puller. Idempotent by
// key (series, time): a redelivered message is a no-op, and a reference value may be replaced by
// its validated version. Rollups change in the same transaction as the rows.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { executeCompiled } from './compiled.js';
import { addToRollups, recomputeRollups } from './rollups.js';

export type NewReading = {
  seriesId: number;
  time: number;
  value: number;
  flags?: number;
  /** "validated" | "provisional" for reference data; omit for citizen data. */
  validation?: string | null;
};

export type InsertResult = { inserted: number; replaced: number; unchanged: number };

type Executor = Transaction<Database> | Kysely<Database>;

// SQLite binds at most 32766 parameters per statement; 5 per row, keep well below.
const CHUNK = 2000;

/**
 * Inserts readings, ignoring any whose (series, time) is already stored, and adds the new ones to
 * the rollups. Runs in the caller's transaction if given one, else in its own: either way the
 * rows and rollups commit together.
 */
export async function insertReadings(db: Executor, readings: readonly NewReading[]): Promise<InsertResult> {
  if (readings.length === 0) return { inserted: 0, replaced: 0, unchanged: 0 };
  if (!db.isTransaction) return db.transaction().execute((trx) => insertReadings(trx, readings));
  let inserted = 0;
  for (let i = 0; i < readings.length; i += CHUNK) {
    const rows = await insertReadingRows(db, readings.slice(i, i + CHUNK));
    inserted += rows.length;
    await addToRollups(db, rows);
  }
  return { inserted, replaced: 0, unchanged: readings.length - inserted };
}

/**
 * The first half of insertReadings: inserts the rows (at most 2000), ignoring those already
 * stored, and returns the new ones, which the caller must add to the rollups (addToRollups) in
 * the same transaction. For a writer that takes the rollup rows' locks last (ingest/store-messages.ts).
 */
export async function insertReadingRows(
  trx: Executor,
  readings: readonly NewReading[],
): Promise<{ seriesId: number; time: number; value: number }[]> {
  if (readings.length > CHUNK)
    throw new RangeError(`at most ${CHUNK} readings per call, got ${readings.length}`);
  // Compiled once per row count: messages have a handful of sizes (6 values is typical).
  const rows = await executeCompiled<{ series_id: number; time: number; value: number }>(
    trx,
    `insert-readings:${readings.length}`,
    () =>
      trx
        .insertInto('readings')
        .values(readings.map(toRow))
        .onConflict((oc) => oc.columns(['series_id', 'time']).doNothing())
        .returning(['series_id', 'time', 'value']),
    readings.flatMap((r) => [r.seriesId, r.time, r.value, r.flags ?? 0, r.validation ?? null]),
  );
  return rows.map((r) => ({ seriesId: r.series_id, time: r.time, value: r.value }));
}

/**
 * Inserts readings, replacing stored ones whose value, flags or validation differ (reference data:
 * a provisional value validated or corrected later). Rollup buckets touched by a replacement are
 * recomputed from the raw rows.
 */
export async function upsertReadings(db: Executor, readings: readonly NewReading[]): Promise<InsertResult> {
  if (readings.length === 0) return { inserted: 0, replaced: 0, unchanged: 0 };
  if (!db.isTransaction) return db.transaction().execute((trx) => upsertReadings(trx, readings));
  const result: InsertResult = { inserted: 0, replaced: 0, unchanged: 0 };
  const bySeries = new Map<number, NewReading[]>();
  for (const r of readings) {
    const list = bySeries.get(r.seriesId) ?? [];
    list.push(r);
    bySeries.set(r.seriesId, list);
  }
  for (const [seriesId, list] of bySeries) {
    const times = list.map((r) => r.time);
    const from = Math.min(...times);
    const to = Math.max(...times);
    const existing = new Map(
      (
        await db
          .selectFrom('readings')
          .select(['time', 'value', 'flags', 'validation'])
          .where('series_id', '=', seriesId)
          .where('time', '>=', from)
          .where('time', '<=', to)
          .execute()
      ).map((r) => [r.time, r]),
    );
    const fresh: NewReading[] = [];
    const changed: NewReading[] = [];
    for (const r of list) {
      const old = existing.get(r.time);
      if (!old) fresh.push(r);
      else if (
        old.value !== r.value ||
        old.flags !== (r.flags ?? 0) ||
        old.validation !== (r.validation ?? null)
      )
        changed.push(r);
      else result.unchanged += 1;
    }
    result.inserted += (await insertReadings(db, fresh)).inserted;
    for (const r of changed) {
      await db
        .updateTable('readings')
        .set({ value: r.value, flags: r.flags ?? 0, validation: r.validation ?? null })
        .where('series_id', '=', seriesId)
        .where('time', '=', r.time)
        .execute();
    }
    if (changed.length > 0) {
      const changedTimes = changed.map((r) => r.time);
      await recomputeRollups(db, seriesId, Math.min(...changedTimes), Math.max(...changedTimes));
      result.replaced += changed.length;
    }
  }
  return result;
}

function toRow(r: NewReading) {
  return {
    series_id: r.seriesId,
    time: r.time,
    value: r.value,
    flags: r.flags ?? 0,
    validation: r.validation ?? null,
  };
}
