// On PostgreSQL with TimescaleDB available, readings become a hypertable (data/timescale.ts says
// why and what stays the same). A no-op on SQLite and on plain PostgreSQL.
import type { Kysely } from 'kysely';
import { enableTimescale } from '../timescale.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await enableTimescale(db);
}
