// Counters the ingest worker keeps and the API exposes on /metrics. They live in the database
// because the worker and the API may be separate processes; the worker flushes its in-memory
// deltas periodically (and on exit) rather than per message.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export type CounterDelta = { name: string; labels?: string; value: number };

/** Adds deltas to counters (or sets gauges when `mode: 'set'`). */
export async function bumpCounters(
  db: Kysely<Database>,
  deltas: readonly CounterDelta[],
  options: { mode?: 'add' | 'set'; now?: number } = {},
): Promise<void> {
  if (deltas.length === 0) return;
  const now = options.now ?? Date.now();
  const set = options.mode === 'set';
  await db
    .insertInto('counters')
    .values(deltas.map((d) => ({ name: d.name, labels: d.labels ?? '', value: d.value, updated_at: now })))
    .onConflict((oc) =>
      oc.columns(['name', 'labels']).doUpdateSet({
        value: set ? sql<number>`excluded.value` : sql<number>`counters.value + excluded.value`,
        updated_at: sql<number>`excluded.updated_at`,
      }),
    )
    .execute();
}

export async function readCounters(db: Kysely<Database>) {
  return db.selectFrom('counters').selectAll().orderBy('name').orderBy('labels').execute();
}
