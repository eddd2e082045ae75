// `souffle backup <file>`: a consistent copy of the configured database taken while the platform
// keeps running (docs/operations.md, Backups), with a `<file>.sha256` beside it.
import { backupSqlite, type BackupProgress } from '../data/index.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import type { Config } from './config.js';

export const usage = `souffle backup <file> [--json]
  Copies the configured database into <file> while ingest keeps writing: SQLite through its
  online backup API (the copy is a database file), PostgreSQL through pg_dump in custom format
  (pg_dump must be on PATH). Written under <file>.partial and renamed when complete, mode 0600,
  with <file>.sha256 beside it (sha256sum -c checks it). Progress goes to stderr.
  Restore with \`souffle restore <file>\`.`;

export type BackupSummary = { database: string; file: string; bytes: number; sha256: string };

/** Backs up the configured database; shared with `souffle migrate`, which backs up first. */
export async function backupConfigured(
  config: Config,
  file: string,
  progress: (text: string) => void,
): Promise<BackupSummary> {
  if (config.SOUFFLE_DATABASE_URL) {
    const { backupPostgres, currentSchema, openPostgres } = await import('../data/db-postgres.js');
    const { databaseLabel } = await import('./open-database.js');
    const handle = await openPostgres(config.SOUFFLE_DATABASE_URL, { migrate: false, maxConnections: 1 });
    let schema: string;
    try {
      schema = await currentSchema(handle.db);
    } finally {
      await handle.close();
    }
    const r = await backupPostgres(config.SOUFFLE_DATABASE_URL, schema, file, (line) => progress(line));
    return { database: databaseLabel(config), file: r.file, bytes: r.bytes, sha256: r.sha256 };
  }
  let lastShown = -1;
  const r = await backupSqlite(config.SOUFFLE_DB, file, {
    onProgress: ({ copiedPages, totalPages }: BackupProgress) => {
      const percent = totalPages ? Math.floor((copiedPages / totalPages) * 100) : 100;
      if (percent !== lastShown) progress(`copied ${copiedPages}/${totalPages} pages (${percent}%)`);
      lastShown = percent;
    },
  });
  return { database: config.SOUFFLE_DB, file: r.file, bytes: r.bytes, sha256: r.sha256 };
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one backup file');
  const summary = await backupConfigured(config, file, (text) => process.stderr.write(`${text}\n`));
  output(
    values.json,
    summary,
    () =>
      `Backed up ${summary.database} to ${summary.file} (${summary.bytes} bytes, sha256 ${summary.sha256}).`,
  );
}
