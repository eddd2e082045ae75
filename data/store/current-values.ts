// Each series' newest reading, materialised in current_values (migration 0012) so that /latest
// and the station list read one row per series instead of looking for the newest reading of every
// series. Kept by the write path in the writer's transaction: fresh rows move it forward
// (advanceCurrentValues), and any rewrite of stored rows (a replaced value, flags set afterwards,
// rows removed) recomputes it from the readings of the series (refreshCurrentValue), so that it
// always equals what a lookup in readings answers. The same changes make the station's stored
// current indices outdated (forgetCurrentIndices, data/store/current-indices.ts).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { executeCompiled } from './compiled.js';
import { fixedChunks } from './fixed-chunks.js';

type Executor = Transaction<Database> | Kysely<Database>;

export type CurrentValue = {
  seriesId: number;
  time: number;
  value: number;
  flags: number;
  validation: string | null;
};

/**
 * Moves each series' current value forward to its newest reading among `rows`, rows just
 * inserted (never a stored row re-sent): a row older than the stored current value leaves it.
 */
export async function advanceCurrentValues(db: Executor, rows: readonly CurrentValue[]): Promise<void> {
  const newest = new Map<number, CurrentValue>();
  for (const r of rows) {
    const held = newest.get(r.seriesId);
    if (!held || r.time > held.time) newest.set(r.seriesId, r);
  }
  // In series order: two PostgreSQL writers lock the rows in the same order and cannot deadlock.
  const ordered = [...newest.values()].sort((a, b) => a.seriesId - b.seriesId);
  for (const chunk of fixedChunks(ordered, 256)) {
    await executeCompiled(
      db as Kysely<Database>,
      `advance-current-values:${chunk.length}`,
      () =>
        db
          .insertInto('current_values')
          .values(chunk.map(toRow))
          .onConflict((oc) =>
            oc
              .column('series_id')
              .doUpdateSet((eb) => ({
                time: eb.ref('excluded.time'),
                value: eb.ref('excluded.value'),
                flags: eb.ref('excluded.flags'),
                validation: eb.ref('excluded.validation'),
              }))
              .whereRef('excluded.time', '>', 'current_values.time'),
          ),
      chunk.flatMap((r) => [r.seriesId, r.time, r.value, r.flags, r.validation]),
    );
  }
}

/** Sets the series' current value to its newest stored reading, or removes it if it has none. */
export async function refreshCurrentValue(db: Executor, seriesId: number): Promise<void> {
  await db.deleteFrom('current_values').where('series_id', '=', seriesId).execute();
  await sql`insert into current_values (series_id, time, value, flags, validation)
            select series_id, time, value, flags, validation from readings
             where series_id = ${seriesId}
               and time = (select max(time) from readings where series_id = ${seriesId})`.execute(db);
}

/**
 * Removes the current values older than `before` whose series has no reading left: raw retention
 * deleted them all (the newest was before the cut-off), so a lookup in readings finds none either.
 */
export async function dropOrphanCurrentValues(db: Executor, before: number): Promise<void> {
  await db
    .deleteFrom('current_values')
    .where('time', '<', before)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('readings')
            .select('readings.time')
            .whereRef('readings.series_id', '=', 'current_values.series_id'),
        ),
      ),
    )
    .execute();
}

function toRow(r: CurrentValue) {
  return {
    series_id: r.seriesId,
    time: r.time,
    value: r.value,
    flags: r.flags,
    validation: r.validation,
  };
}
