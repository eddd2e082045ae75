// Replacing stored readings by newer versions of themselves: a citizen sensor re-sending a
// corrected value for the same time, or AtmoSud validating (and correcting) a provisional value.
// Rows are rewritten in place and their rollup buckets recomputed, in the caller's transaction.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { executeCompiled } from './compiled.js';
import type { NewReading } from './readings.js';
import { recomputeBucketsOf } from './touched-buckets.js';

type Executor = Transaction<Database> | Kysely<Database>;

/**
 * Overwrites value, flags and validation of stored readings and recomputes the rollup buckets
 * they are in. Readings not stored are ignored. Returns how many rows were rewritten.
 */
export async function replaceReadings(trx: Executor, readings: readonly NewReading[]): Promise<number> {
  if (readings.length === 0) return 0;
  if (!trx.isTransaction) return trx.transaction().execute((t) => replaceReadings(t, readings));
  let replaced = 0;
  for (const r of readings) {
    // Compiled once: a device re-sending a corrected buffer rewrites many rows in a row.
    const rows = await executeCompiled<{ time: number }>(
      trx,
      'replace-reading',
      () =>
        trx
          .updateTable('readings')
          .set({ value: 0, flags: 0, validation: '' })
          .where('series_id', '=', 0)
          .where('time', '=', 0)
          .returning('time'),
      [r.value, r.flags ?? 0, r.validation ?? null, r.seriesId, r.time],
    );
    replaced += rows.length;
  }
  await recomputeBucketsOf(trx, readings);
  return replaced;
}

/**
 * The stored values of some (series, time) keys, as a map keyed `series:time`. Missing keys are
 * not stored. Per series, in chunks that stay under SQLite's bound-parameter limit.
 */
export async function storedValues(
  trx: Executor,
  keys: readonly { seriesId: number; time: number }[],
): Promise<Map<string, number>> {
  const bySeries = new Map<number, number[]>();
  for (const { seriesId, time } of keys) {
    const times = bySeries.get(seriesId) ?? [];
    times.push(time);
    bySeries.set(seriesId, times);
  }
  const out = new Map<string, number>();
  for (const [seriesId, times] of bySeries) {
    for (let i = 0; i < times.length; i += 500) {
      const rows = await trx
        .selectFrom('readings')
        .select(['time', 'value'])
        .where('series_id', '=', seriesId)
        .where('time', 'in', times.slice(i, i + 500))
        .execute();
      for (const row of rows) out.set(`${seriesId}:${Number(row.time)}`, row.value);
    }
  }
  return out;
}
