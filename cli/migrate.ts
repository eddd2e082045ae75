// `souffle migrate`: creates or upgrades the configured database (the SQLite file, or PostgreSQL
// when SOUFFLE_DATABASE_URL is set) and says what it did.
import { migrate } from '../data/index.js';
import { output, parseCommandArgs } from './args.js';
import type { Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle migrate [--json]
  Creates the database if needed and applies pending migrations: PostgreSQL when
  SOUFFLE_DATABASE_URL is set (tables go to the URL's current schema), else the SQLite file
  SOUFFLE_DB. A migration that recomputes stored aggregates prints its progress on stderr
  ("recomputed 120/450 series"); killed, it resumes where it stopped when run again.`;

export async function run(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {});
  const handle = await openConfiguredDatabase(config, { migrate: false });
  try {
    const result = await migrate(handle.db, {
      ...(await handle.migrateOptions()),
      onRebuildProgress: ({ done, total }) => process.stderr.write(`recomputed ${done}/${total} series\n`),
    });
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const rebuilt = result.rebuiltSeries;
    output(values.json, { database: handle.label, applied, rebuiltSeries: rebuilt }, () => {
      const did = [
        ...(applied.length ? [`applied ${applied.join(', ')}`] : []),
        ...(rebuilt ? [`recomputed the hourly rollups of ${rebuilt} series`] : []),
      ];
      return did.length ? `Migrated ${handle.label}: ${did.join('; ')}.` : `${handle.label} is up to date.`;
    });
  } finally {
    await handle.close();
  }
}
