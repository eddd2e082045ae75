// Opens a PostgreSQL database through Kysely's PostgreSQL dialect (pg). Selected by a
// postgres:// URL; the same migrations and store functions run on it as on SQLite.
import pg from 'pg';
import { Kysely, sql } from 'kysely';
import { migrate, type Db } from './db.js';
import { CurrentSchemaPostgresDialect } from './postgres-introspector.js';
import type { Database } from './schema.js';

export type PostgresOptions = {
  /** Schema to create and use (tests give each run its own); default: the server's search_path. */
  schema?: string;
  migrate?: boolean;
  maxConnections?: number;
};

export type OpenPostgres = { db: Db; dialect: 'postgres'; url: string; close: () => Promise<void> };

// Epoch milliseconds are BIGINT (int8); pg returns them as strings by default because they may
// exceed 2^53. Ours never do (year 287 396), so they are parsed as numbers, per pool, not globally.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<OpenPostgres> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new RangeError(`schema "${options.schema}" must be a lowercase SQL identifier`);
  }
  if (options.schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${options.schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: types as pg.CustomTypesConfig,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  if (options.migrate !== false) {
    try {
      await migrate(db, { migrationTableSchema: await currentSchema(db) });
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }
  return { db, dialect: 'postgres', url, close: () => db.destroy() };
}

/**
 * The schema new tables go to: the first existing schema of the search path. Migrations must
 * know it, because several Souffle databases (or test runs) may share one PostgreSQL database.
 */
export async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) {
    const { rows: path } = await sql<{ path: string }>`select current_setting('search_path') as path`.execute(
      db,
    );
    throw new Error(
      `no schema of the search path "${path[0]?.path}" exists: create it, or fix the URL's options`,
    );
  }
  return schema;
}

/** Drops a schema created for a test run. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await admin.end();
  }
}

// Its backup and restore (pg_dump, pg_restore), behind this door so the driver loads only when used.
export { backupPostgres, restorePostgres } from './backup/backup-postgres.js';
// The LISTEN connection that tells the API's caches of changes (data/change-signal-postgres.ts).
export { postgresChangeSignal } from './change-signal-postgres.js';
