// Writing readings: the one write path of the ingest worker, the AtmoSud puller and every other
// writer. Keyed by (series, time): a redelivered message is a no-op, a value re-sent for the same
// time with another value replaces the stored one (a citizen correction), and a reference value
// may be replaced by its validated version. Rollups, and the last-seen time of the devices the
// readings came from, change in the same transaction as the rows.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { executeCompiled, executeCompiledCount } from './compiled.js';
import { forgetCurrentIndices } from './current-indices.js';
import { advanceCurrentValues, type CurrentValue } from './current-values.js';
import { fixedChunks } from './fixed-chunks.js';
import { replaceReadings, storedValues } from './replace-readings.js';
import { addToRollups, type RollupValue } from './rollups.js';

export type NewReading = {
  seriesId: number;
  time: number;
  value: number;
  flags?: number;
  /** "validated" | "provisional" for reference data; omit for citizen data. */
  validation?: string | null;
  /**
   * How long the value is a mean over, in ms from `time` (AtmoSud's hourly means: 3 600 000, so
   * they cover their whole hour); omit for an instantaneous reading. Must equal the series' own
   * `covers` (ensureSeries), which the recomputation of rollups reads (data/hourly-validity.ts).
   */
  covers?: number;
};

export type InsertResult = { inserted: number; replaced: number; unchanged: number };

export type InsertOptions = {
  /**
   * Devices the readings came from (device id → time heard): each device's last-seen time moves
   * forward to it, never back, in the same transaction.
   */
  lastSeen?: ReadonlyMap<string, number>;
};

type Executor = Transaction<Database> | Kysely<Database>;

type Stored = RollupValue;

/**
 * Inserts readings, adds the new ones to the rollups, replaces stored ones re-sent with another
 * value (recomputing their buckets) and touches the devices of `lastSeen`. A reading re-sent with
 * the same value is left alone, flags included: a redelivery must not undo flags that quality
 * control set on the stored row since. Runs in the caller's transaction if given one, else in its
 * own: either way rows, rollups and last-seen times commit together.
 */
export async function insertReadings(
  db: Executor,
  readings: readonly NewReading[],
  options: InsertOptions = {},
): Promise<InsertResult> {
  const lastSeen = options.lastSeen ?? new Map<string, number>();
  if (readings.length === 0 && lastSeen.size === 0) return { inserted: 0, replaced: 0, unchanged: 0 };
  if (!db.isTransaction) return db.transaction().execute((trx) => insertReadings(trx, readings, options));
  // In key order: a series' values share a chunk, so their rollup buckets are updated once per
  // chunk rather than once per message (measured on the ingest path: 2× the batch rate).
  const rows = [...readings].sort((a, b) => a.seriesId - b.seriesId || a.time - b.time);
  // Rows first, rollups last: the rollup rows of the current hour and day are the ones every
  // writer updates, and a row lock is held until the commit. Taken last, they are held for the
  // rollup statements and the commit only, so that two writers at once (PostgreSQL) wait little
  // on each other; SQLite, one writer at a time, is indifferent to the order.
  const fresh = await insertFresh(db, rows);
  // One upsert per (series, hour) of the whole batch, in a few statements of bounded shapes.
  await addToRollups(db, fresh);
  // The materialised current values and indices (migration 0012) in the same transaction.
  await advanceCurrentValues(db, withValidation(fresh, rows));
  await forgetCurrentIndices(db, fresh);
  // Corrections last: their buckets are recomputed from the rows, fresh ones included, so the
  // recomputation must follow addToRollups or it would count the fresh rows twice.
  const replaced = fresh.length < rows.length ? await replaceCorrected(db, rows, fresh) : 0;
  // In id order: two writers committing at once then lock the device rows in the same order and
  // cannot deadlock on them (PostgreSQL).
  const touched = [...lastSeen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [id, time] of touched) await moveLastSeen(db, id, time);
  return { inserted: fresh.length, replaced, unchanged: readings.length - fresh.length - replaced };
}

/**
 * Of the readings that were not inserted (their key was stored, or listed twice in the batch),
 * replaces those whose value differs from the stored one; the last reading of a key wins, as it
 * was sent last. Returns how many rows were replaced. Rare (a redelivery or a correction), so it
 * uses plain queries rather than compiled ones.
 */
async function replaceCorrected(
  db: Executor,
  rows: readonly NewReading[],
  fresh: readonly Stored[],
): Promise<number> {
  const key = (r: { seriesId: number; time: number }) => `${r.seriesId}:${r.time}`;
  const last = new Map<string, NewReading>();
  for (const r of rows) last.set(key(r), r); // rows are sorted stably: the last sent comes last
  const inserted = new Map(fresh.map((r) => [key(r), r.value]));
  const toLookUp = [...last.values()].filter((r) => !inserted.has(key(r)));
  const stored = await storedValues(db, toLookUp);
  const changed = [...last.values()].filter((r) => {
    const old = inserted.get(key(r)) ?? stored.get(key(r));
    return old !== undefined && old !== r.value;
  });
  return replaceReadings(db, changed);
}

/** Batches of at least this many rows first try the insert without RETURNING (insertFresh). */
const UNRETURNED_MIN_ROWS = 64;

/**
 * Inserts the rows, ignoring those already stored, and returns the new ones. A large batch is
 * first inserted without RETURNING (measured on SQLite: RETURNING made the insert of a drained
 * backlog's rows 1.5× slower, and it was most of a batch's time): when every row was new, which
 * is the rule, the new rows are the rows given. When some were stored already (a redelivery, a
 * correction), the insert is rolled back to a savepoint and done again with RETURNING, which says
 * which ones are new; such a batch pays twice, and is rare. Small batches (one message) go
 * straight to RETURNING: two more statements would cost them more than RETURNING does.
 */
async function insertFresh(db: Executor, rows: readonly NewReading[]): Promise<Stored[]> {
  if (rows.length >= UNRETURNED_MIN_ROWS) {
    await sql`savepoint souffle_fresh_rows`.execute(db);
    let inserted = 0;
    for (const chunk of fixedChunks(rows, 256)) inserted += await insertRowsCounting(db, chunk);
    if (inserted === rows.length) {
      await sql`release savepoint souffle_fresh_rows`.execute(db);
      return rows.map((r) => ({
        seriesId: r.seriesId,
        time: r.time,
        value: r.value,
        flags: r.flags ?? 0,
        covers: r.covers ?? 0,
      }));
    }
    await sql`rollback to savepoint souffle_fresh_rows`.execute(db);
    await sql`release savepoint souffle_fresh_rows`.execute(db);
  }
  const fresh: Stored[] = [];
  for (const chunk of fixedChunks(rows, 64)) fresh.push(...(await insertRows(db, chunk)));
  return fresh;
}

/** Inserts the rows, ignoring those already stored; returns how many were inserted. */
async function insertRowsCounting(trx: Executor, readings: readonly NewReading[]): Promise<number> {
  return executeCompiledCount(
    trx,
    `insert-readings-count:${readings.length}`,
    () =>
      trx
        .insertInto('readings')
        .values(readings.map(toRow))
        .onConflict((oc) => oc.columns(['series_id', 'time']).doNothing()),
    readings.flatMap((r) => [r.seriesId, r.time, r.value, r.flags ?? 0, r.validation ?? null]),
  );
}

/** Inserts the rows, ignoring those already stored, and returns the new ones. */
async function insertRows(trx: Executor, readings: readonly NewReading[]): Promise<Stored[]> {
  // Compiled once per row count (a handful of counts, see fixedChunks).
  const rows = await executeCompiled<{ series_id: number; time: number; value: number; flags: number }>(
    trx,
    `insert-readings:${readings.length}`,
    () =>
      trx
        .insertInto('readings')
        .values(readings.map(toRow))
        .onConflict((oc) => oc.columns(['series_id', 'time']).doNothing())
        .returning(['series_id', 'time', 'value', 'flags']),
    readings.flatMap((r) => [r.seriesId, r.time, r.value, r.flags ?? 0, r.validation ?? null]),
  );
  const covers = coversOf(readings);
  return rows.map((r) => ({
    seriesId: r.series_id,
    time: r.time,
    value: r.value,
    flags: r.flags,
    covers: covers(r.series_id, r.time),
  }));
}

/** The fresh rows as current values, with the validation they were sent with. */
function withValidation(fresh: readonly Stored[], rows: readonly NewReading[]): CurrentValue[] {
  const validated = rows.some((r) => r.validation);
  // The first of a key is the one inserted (later ones conflicted, and replace it afterwards).
  const byKey = new Map<string, string | null>();
  if (validated)
    for (const r of rows)
      if (!byKey.has(`${r.seriesId}:${r.time}`)) byKey.set(`${r.seriesId}:${r.time}`, r.validation ?? null);
  return fresh.map((r) => ({
    seriesId: r.seriesId,
    time: r.time,
    value: r.value,
    flags: r.flags,
    validation: validated ? (byKey.get(`${r.seriesId}:${r.time}`) ?? null) : null,
  }));
}

/** What each returned row covers: 0 for citizen readings (no map built on the hot path). */
function coversOf(readings: readonly NewReading[]): (seriesId: number, time: number) => number {
  if (!readings.some((r) => r.covers)) return () => 0;
  const byKey = new Map(readings.map((r) => [`${r.seriesId}:${r.time}`, r.covers ?? 0]));
  return (seriesId, time) => byKey.get(`${seriesId}:${time}`) ?? 0;
}

/** Moves a device's last-seen time forward (compiled once: it runs for every device of every batch). */
async function moveLastSeen(trx: Executor, id: string, time: number): Promise<void> {
  await executeCompiled(
    trx,
    'touch-device',
    () =>
      trx
        .updateTable('devices')
        .set({ last_seen: 0 })
        .where('id', '=', '')
        .where((eb) => eb.or([eb('last_seen', 'is', null), eb('last_seen', '<', 0)])),
    [time, id, time],
  );
}

/**
 * Inserts readings, replacing stored ones whose value, flags or validation differ (reference data:
 * a provisional value validated or corrected later). Rollup buckets touched by a replacement are
 * recomputed from the raw rows (data/store/replace-readings.ts).
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
    // Fresh rows first (added to the rollups), then the changed ones (their buckets recomputed).
    result.inserted += (await insertReadings(db, fresh)).inserted;
    result.replaced += await replaceReadings(db, changed);
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
