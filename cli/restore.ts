// `souffle restore <file>`: checks a backup made by `souffle backup` and makes it the configured
// database. Stop the services first: the database is replaced under them.
import { restoreSqlite } from '../data/index.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import type { Config } from './config.js';
import { databaseLabel } from './open-database.js';

export const usage = `souffle restore <file> [--force] [--json]
  Checks <file> (its .sha256 when present; SQLite: PRAGMA integrity_check and a schema this
  version knows; PostgreSQL: pg_restore --list) and restores it into the configured database.
  Refuses a database that holds stations, devices or readings unless --force. Stop souffle
  (api, ingest, start) first; run \`souffle migrate\` afterwards if the backup is older.`;

export async function run(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, { force: { type: 'boolean' } }, true);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one backup file');
  const force = values.force === true;
  let result: { checksum: string; counts: Record<string, number> };
  if (config.SOUFFLE_DATABASE_URL) {
    const { currentSchema, openPostgres, restorePostgres } = await import('../data/db-postgres.js');
    const handle = await openPostgres(config.SOUFFLE_DATABASE_URL, { migrate: false, maxConnections: 1 });
    try {
      const schema = await currentSchema(handle.db);
      result = await restorePostgres(file, config.SOUFFLE_DATABASE_URL, handle.db, schema, { force });
    } finally {
      await handle.close();
    }
  } else {
    result = await restoreSqlite(file, config.SOUFFLE_DB, { force });
  }
  if (result.checksum === 'missing') {
    process.stderr.write(`warning: no ${file}.sha256 beside the backup: its checksum was not verified\n`);
  }
  const database = databaseLabel(config);
  output(values.json, { database, file, ...result }, () => {
    const c = result.counts;
    return `Restored ${file} into ${database}: ${c.stations} stations, ${c.devices} devices, ${c.readings} readings.`;
  });
}
