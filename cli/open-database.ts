// The configured database: PostgreSQL when SOUFFLE_DATABASE_URL is set, else the SQLite file
// SOUFFLE_DB (as cli/api.ts opens it), without loading the API. Every command that works on "the"
// database opens it here, so that none of them silently uses the SQLite file while the
// platform runs on PostgreSQL.
import { dirname } from 'node:path';
import { openDatabase, type ChangeSignal, type Db } from '../data/index.js';
import type { Config } from './config.js';

export type ConfiguredDatabase = {
  db: Db;
  /** Where it is, for messages: the SQLite path, or the URL without its password. */
  label: string;
  /** Options for data/db.ts `migrate()` on this database (PostgreSQL: the current schema). */
  migrateOptions: () => Promise<{ migrationTableSchema?: string }>;
  close: () => Promise<void>;
};

/**
 * Opens the configured database; pending migrations run unless `migrate: false`. `cacheKiB` sets
 * SQLite's page cache (souffle api keeps it small). The PostgreSQL driver (pg) is loaded only
 * when used: a SQLite installation never pays for it in memory.
 */
export async function openConfiguredDatabase(
  config: Config,
  options: { migrate?: boolean; cacheKiB?: number } = {},
): Promise<ConfiguredDatabase> {
  const migrate = options.migrate !== false;
  if (config.SOUFFLE_DATABASE_URL) {
    const { currentSchema, openPostgres } = await import('../data/db-postgres.js');
    const handle = await openPostgres(config.SOUFFLE_DATABASE_URL, { migrate });
    return {
      ...handle,
      label: databaseLabel(config),
      migrateOptions: async () => ({ migrationTableSchema: await currentSchema(handle.db) }),
    };
  }
  const handle = await openDatabase(config.SOUFFLE_DB, {
    migrate,
    ...(options.cacheKiB ? { cacheKiB: options.cacheKiB } : {}),
  });
  return { ...handle, label: databaseLabel(config), migrateOptions: async () => ({}) };
}

/**
 * What tells the API's caches that the database changed: on PostgreSQL a LISTEN connection
 * (data/change-signal-postgres.ts); on SQLite undefined, and createApp reads data_version itself.
 */
export async function configuredChangeSignal(
  config: Pick<Config, 'SOUFFLE_DATABASE_URL'>,
  warn: (line: string) => void,
): Promise<ChangeSignal | undefined> {
  if (!config.SOUFFLE_DATABASE_URL) return undefined;
  const { postgresChangeSignal } = await import('../data/db-postgres.js');
  return postgresChangeSignal(config.SOUFFLE_DATABASE_URL, {
    onLost: (e) =>
      warn(`change notifications lost (${e.message}): current values uncached until reconnected`),
  });
}

/** The configured database for messages and logs: the SQLite path, or the URL without its password. */
export function databaseLabel(config: Pick<Config, 'SOUFFLE_DB' | 'SOUFFLE_DATABASE_URL'>): string {
  if (!config.SOUFFLE_DATABASE_URL) return config.SOUFFLE_DB;
  try {
    const u = new URL(config.SOUFFLE_DATABASE_URL);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'PostgreSQL (SOUFFLE_DATABASE_URL)';
  }
}

/** The folder whose disk space /metrics shows: the SQLite file's; none on PostgreSQL (its server's). */
export function dataFolder(config: Pick<Config, 'SOUFFLE_DB' | 'SOUFFLE_DATABASE_URL'>): string | undefined {
  return config.SOUFFLE_DATABASE_URL ? undefined : dirname(config.SOUFFLE_DB);
}
