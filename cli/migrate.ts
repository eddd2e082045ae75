// `souffle migrate`: creates or upgrades the database and says what it did.
import { openDatabase } from '../data/db.js';
import { migrate } from '../data/db.js';
import { output, parseCommandArgs } from './args.js';
import type { Config } from './config.js';

export const usage = `souffle migrate [--json]
  Creates the database if needed and applies pending migrations (SOUFFLE_DB).`;

export async function run(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {});
  const handle = await openDatabase(config.SOUFFLE_DB, { migrate: false });
  try {
    const result = await migrate(handle.db);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    output(values.json, { database: config.SOUFFLE_DB, applied }, () =>
      applied.length
        ? `Migrated ${config.SOUFFLE_DB}: applied ${applied.join(', ')}.`
        : `${config.SOUFFLE_DB} is up to date.`,
    );
  } finally {
    await handle.close();
  }
}
