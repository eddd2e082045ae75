// `souffle migrate`: creates or upgrades the configured database (the SQLite file, or PostgreSQL
// when SOUFFLE_DATABASE_URL is set) and says what it did.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { migrate, pendingMigrations } from '../data/index.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { backupConfigured, type BackupSummary } from './backup.js';
import type { Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle migrate [--backup <file> | --no-backup] [--json]
  Creates the database if needed and applies pending migrations: PostgreSQL when
  SOUFFLE_DATABASE_URL is set (tables go to the URL's current schema), else the SQLite file
  SOUFFLE_DB. A migration that recomputes stored aggregates prints its progress on stderr
  ("recomputed 120/450 series"); killed, it resumes where it stopped when run again.
  Before changing the schema of a database that has one already, it takes a backup, as
  \`souffle backup\` does: into --backup <file>, by default backups/before-<migration>-<time>
  beside SOUFFLE_DB. --no-backup skips it (you took one yourself).`;

function defaultBackupFile(config: Config, first: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const ext = config.SOUFFLE_DATABASE_URL ? 'dump' : 'db';
  return join(dirname(config.SOUFFLE_DB), 'backups', `before-${first}-${stamp}.${ext}`);
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, { backup: { type: 'string' }, 'no-backup': { type: 'boolean' } });
  if (values.backup !== undefined && values['no-backup'])
    throw new UsageError('--backup and --no-backup exclude each other');
  const handle = await openConfiguredDatabase(config, { migrate: false });
  try {
    const migrateOptions = await handle.migrateOptions();
    const { pending, hasSchema } = await pendingMigrations(handle.db, migrateOptions);
    // A new, empty database has nothing to lose; an existing one gets a copy before its schema changes.
    let backup: BackupSummary | undefined;
    if (pending.length > 0 && hasSchema && !values['no-backup']) {
      const file = values.backup ?? defaultBackupFile(config, pending[0]!);
      if (!values.backup) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      if (existsSync(file)) throw new Error(`${file} exists already: give another --backup file`);
      process.stderr.write(`backing up before ${pending.join(', ')} into ${file}\n`);
      backup = await backupConfigured(config, file, (text) => process.stderr.write(`${text}\n`));
    }
    const result = await migrate(handle.db, {
      ...migrateOptions,
      onRebuildProgress: ({ done, total }) => process.stderr.write(`recomputed ${done}/${total} series\n`),
    });
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const rebuilt = result.rebuiltSeries;
    output(
      values.json,
      { database: handle.label, applied, rebuiltSeries: rebuilt, backup: backup ?? null },
      () => {
        const did = [
          ...(backup ? [`backed up to ${backup.file}`] : []),
          ...(applied.length ? [`applied ${applied.join(', ')}`] : []),
          ...(rebuilt ? [`recomputed the hourly rollups of ${rebuilt} series`] : []),
        ];
        return did.length ? `Migrated ${handle.label}: ${did.join('; ')}.` : `${handle.label} is up to date.`;
      },
    );
  } finally {
    await handle.close();
  }
}
