// The state of the network importers (ingest/networks/), for GET /healthz: read from the counters
// each importer sets after a cycle (souffle_import_last_attempt_seconds, souffle_import_up,
// souffle_import_last_success_seconds, labelled source="…"). An importer that never ran has none.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export type ImportStatus = {
  source: string;
  /** Whether the last cycle reached the network. */
  reachable: boolean;
  lastAttempt: string | null;
  lastSuccess: string | null;
};

const NAMES = [
  'souffle_import_last_attempt_seconds',
  'souffle_import_up',
  'souffle_import_last_success_seconds',
];

export async function importStatuses(db: Kysely<Database>): Promise<ImportStatus[]> {
  const rows = await db.selectFrom('counters').selectAll().where('name', 'in', NAMES).execute();
  const bySource = new Map<string, Partial<Record<string, number>>>();
  for (const r of rows) {
    const source = /source="([^"]*)"/.exec(r.labels)?.[1];
    if (!source) continue;
    const entry = bySource.get(source) ?? {};
    entry[r.name] = r.value;
    bySource.set(source, entry);
  }
  const iso = (seconds: number | undefined) =>
    seconds === undefined ? null : new Date(seconds * 1000).toISOString();
  return [...bySource.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([source, c]) => ({
      source,
      reachable: c.souffle_import_up === 1,
      lastAttempt: iso(c.souffle_import_last_attempt_seconds),
      lastSuccess: iso(c.souffle_import_last_success_seconds),
    }));
}
