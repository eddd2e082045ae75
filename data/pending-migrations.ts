// Which migrations a database has not run yet: `souffle migrate` backs up before running them.
import { Migrator } from 'kysely';
import type { Db } from './db.js';
import { migrationProvider } from './migrations/index.js';

/** `pending`: names this version would run; `hasSchema`: whether any migration ran already. */
export async function pendingMigrations(
  db: Db,
  options: { migrationTableSchema?: string } = {},
): Promise<{ pending: string[]; hasSchema: boolean }> {
  const all = await new Migrator({ db, provider: migrationProvider, ...options }).getMigrations();
  return {
    pending: all.filter((m) => !m.executedAt).map((m) => m.name),
    hasSchema: all.some((m) => m.executedAt),
  };
}
