// `souffle migrate`: creates or upgrades the configured database (the SQLite file, or PostgreSQL
// when SOUFFLE_DATABASE_URL is set) and says what it did.
import { migrate } from '../data/index.js';
import { output, parseCommandArgs } from './args.js';
import type { Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle migrate [--json]
  Creates the database if needed and applies pending migrations: PostgreSQL when
  SOUFFLE_DATABASE_URL is set (tables go to the URL's current schema), else the SQLite file
  SOUFFLE_DB.`;

export async function run(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {});
  const handle = await openConfiguredDatabase(config, { migrate: false });
  try {
    const result = await migrate(handle.db, await handle.migrateOptions());
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    output(values.json, { database: handle.label, applied }, () =>
      applied.length
        ? `Migrated ${handle.label}: applied ${applied.join(', ')}.`
        : `${handle.label} is up to date.`,
    );
  } finally {
    await handle.close();
  }
}
