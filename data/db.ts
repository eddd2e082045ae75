// Opens the database: a SQLite file through better-sqlite3, wrapped in Kysely. This is the only
// module that knows which engine is underneath; everything else takes a `Db`.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type MigrationResultSet,
  type SqliteDialectConfig,
} from 'kysely';
import { migrationProvider } from './migrations/index.js';
import { rebuildQueuedRollups, type RebuildProgress } from './store/rollup-rebuild.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export type OpenOptions = {
  /** How long a writer waits for another's lock before failing (ms). */
  busyTimeoutMs?: number;
  /** Run pending migrations on open. */
  migrate?: boolean;
  /** Open read-only (the file must exist). */
  readonly?: boolean;
  /** Prepared statements kept per connection; Kysely's SQLite driver would otherwise re-prepare every query. */
  statementCacheSize?: number;
  /** SQLite page cache per connection, KiB. */
  cacheKiB?: number;
  /** WAL pages between automatic checkpoints. */
  walAutocheckpointPages?: number;
};

const defaults: Required<OpenOptions> = {
  busyTimeoutMs: 5000,
  migrate: true,
  readonly: false,
  statementCacheSize: 200,
  cacheKiB: 65_536,
  walAutocheckpointPages: 10_000,
};

export type OpenDatabase = {
  db: Db;
  /** The underlying better-sqlite3 handle, for pragmas, backups and the benchmark's baseline. */
  sqlite: BetterSqlite3.Database;
  path: string;
  close: () => Promise<void>;
};

/**
 * Opens (creating the folder and file if needed) the SQLite database at `path` with WAL, a busy
 * timeout and foreign keys on, and runs pending migrations unless `migrate: false`.
 */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<OpenDatabase> {
  const opts = { ...defaults, ...options };
  if (path !== ':memory:' && !opts.readonly) {
    mkdirSync(dirname(path), { recursive: true });
    createOwnerOnly(path);
  }
  const sqlite = new BetterSqlite3(path, { readonly: opts.readonly, fileMustExist: opts.readonly });
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs))}`);
  if (!opts.readonly) {
    // WAL lets the API read while the worker writes; NORMAL sync is durable across process crashes
    // (only an OS crash can lose the last commits) and avoids an fsync per message.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    // A larger WAL between checkpoints lets many commits that touch the same hot pages (the current
    // hour's rollups) be written back once; measured: ~2× the insert rate with rollups on a VM disk.
    // journal_size_limit truncates the WAL file back after a checkpoint so it does not stay large.
    sqlite.pragma(`wal_autocheckpoint = ${opts.walAutocheckpointPages}`);
    sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  }
  // The page cache is per connection; 64 MiB keeps the b-tree interior and hot leaves resident.
  sqlite.pragma(`cache_size = -${opts.cacheKiB}`);
  sqlite.pragma('foreign_keys = ON');

  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect(
      { database: withStatementCache(sqlite, opts.statementCacheSize) },
      sqlite,
    ),
  });
  if (opts.migrate && !opts.readonly) await migrate(db);
  return {
    db,
    sqlite,
    path,
    close: async () => {
      await db.destroy(); // closes the better-sqlite3 handle through the dialect
    },
  };
}

/**
 * Every transaction of the store writes, so it begins IMMEDIATE: it takes the write lock at BEGIN,
 * where SQLite waits for another process's lock up to busy_timeout. A deferred BEGIN takes it at
 * the first write instead, after a read, and a connection that already reads is refused the lock
 * at once (SQLITE_BUSY without calling the busy handler, to avoid a deadlock): an admin write
 * during another process's write answered 500 within milliseconds (docs/security.md, Busy
 * database).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #sqlite: BetterSqlite3.Database;
  constructor(config: SqliteDialectConfig, sqlite: BetterSqlite3.Database) {
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#sqlite);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #sqlite: BetterSqlite3.Database;
  constructor(config: SqliteDialectConfig, sqlite: BetterSqlite3.Database) {
    super(config);
    this.#sqlite = sqlite;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  /**
   * Rolls back only a transaction that is still open. On SQLITE_FULL, SQLITE_IOERR and some
   * SQLITE_BUSY, SQLite has already rolled the transaction back itself
   * (https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction");
   * Kysely's ROLLBACK then fails with "cannot rollback - no transaction is active", and that
   * error replaces the original one: a full disk looked like a bug in the batch, which the
   * ingest worker gave up and acknowledged (docs/security.md, Full disk).
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.#sqlite.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

/**
 * Creates the database file, if missing, readable and writable by its owner only (0600, as
 * `.admin-token`): it holds token hashes and exact locations (docs/security.md, Database files).
 * SQLite treats an empty file as a new database, and creates the -wal and -shm files with the
 * main file's permissions. An existing file keeps the mode its operator gave it.
 */
function createOwnerOnly(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

export type MigrateOptions = {
  /**
   * PostgreSQL: where Kysely keeps its migration tables. Without it, Kysely looks for them in every
   * schema of the database, and skips creating them when another schema has them
   * (data/db-postgres.ts passes the connection's current schema).
   */
  migrationTableSchema?: string;
  /** Progress of the rollup rebuild a migration queued (`souffle migrate` prints it). */
  onRebuildProgress?: (progress: RebuildProgress) => void;
};

/**
 * Runs every pending migration, then finishes any rollup rebuild a migration queued (resumed where
 * a killed run stopped: data/store/rollup-rebuild.ts); throws with the failing migration's name and
 * cause. `rebuiltSeries`: series whose hourly rollups were recomputed by this call.
 */
export async function migrate(
  db: Db,
  options: MigrateOptions = {},
): Promise<MigrationResultSet & { rebuiltSeries: number }> {
  const { onRebuildProgress, ...migratorOptions } = options;
  const migrator = new Migrator({ db, provider: migrationProvider, ...migratorOptions });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `migration "${failed}" failed: ${String((result.error as Error).message ?? result.error)}`,
      {
        cause: result.error,
      },
    );
  }
  const rebuiltSeries = await rebuildQueuedRollups(db, { onProgress: onRebuildProgress });
  return { ...result, rebuiltSeries };
}

/**
 * Wraps a better-sqlite3 handle so that `prepare` returns a cached statement for SQL it has seen.
 * Kysely prepares every query anew; the store's hot paths issue the same few statements thousands
 * of times per second, and preparing is most of their cost. Bounded (oldest dropped first).
 */
function withStatementCache(sqlite: BetterSqlite3.Database, size: number): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (source: string) => {
    let stmt = cache.get(source);
    if (stmt) return stmt;
    stmt = sqlite.prepare(source);
    if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    cache.set(source, stmt);
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare') return prepare;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
