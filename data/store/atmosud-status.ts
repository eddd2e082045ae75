// How the AtmoSud puller is doing, read back from the counters it keeps in the database
// (ingest/atmosud/puller.ts: souffle_atmosud_cycles_total{status=…}, whose row is updated at the
// end of each cycle, and the gauge souffle_atmosud_last_success_seconds). The puller runs in the
// ingest worker, possibly another process than the API: the database is what they share.
// Without it a reader saw "Officielles (0)" and "no AtmoSud station nearby" with no word why.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** ok / partial / offline / failed: the last cycle's outcome; never: no cycle has ended yet
 * (AtmoSud not configured, or the first pull still running). */
export type AtmosudState = 'ok' | 'partial' | 'offline' | 'failed' | 'never';

export type AtmosudStatus = {
  state: AtmosudState;
  /** End of the last cycle (epoch ms), or null. */
  lastAttempt: number | null;
  /** When the last cycle that stored data (ok or partial) ran (epoch ms), or null. */
  lastSuccess: number | null;
  /** Official stations stored. */
  stations: number;
};

const CYCLE_STATES = ['ok', 'partial', 'offline', 'failed'] as const;

export async function readAtmosudStatus(db: Kysely<Database>): Promise<AtmosudStatus> {
  const rows = await db
    .selectFrom('counters')
    .select(['name', 'labels', 'value', 'updated_at'])
    .where('name', 'in', ['souffle_atmosud_cycles_total', 'souffle_atmosud_last_success_seconds'])
    .execute();
  let state: AtmosudState = 'never';
  let lastAttempt: number | null = null;
  let lastSuccess: number | null = null;
  for (const row of rows) {
    if (row.name === 'souffle_atmosud_last_success_seconds') {
      lastSuccess = Number(row.value) * 1000;
      continue;
    }
    // A cycle aborted by a shutdown says nothing about AtmoSud.
    const status = /status="(\w+)"/.exec(row.labels)?.[1];
    const known = CYCLE_STATES.find((s) => s === status);
    if (!known) continue;
    const at = Number(row.updated_at);
    if (lastAttempt === null || at > lastAttempt) {
      lastAttempt = at;
      state = known;
    }
  }
  const count = await db
    .selectFrom('stations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source', '=', 'atmosud')
    .executeTakeFirst();
  return { state, lastAttempt, lastSuccess, stations: Number(count?.n ?? 0) };
}
