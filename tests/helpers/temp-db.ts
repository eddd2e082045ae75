// A real, migrated, throwaway database for a test: a SQLite file in a temp folder, or, when
// SOUFFLE_TEST_DATABASE_URL is set (the `postgres` vitest project sets it), a fresh, uniquely
// named schema on that PostgreSQL server, dropped on cleanup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type OpenDatabase } from '../../data/db.js';
import { dropPostgresSchema, openPostgres } from '../../data/db-postgres.js';
import type { DialectName } from '../../data/dialect.js';
import { withSearchPath } from '../../testing/search-path.js';

export type TempDb = OpenDatabase & {
  dir: string;
  dialect: DialectName;
  /** PostgreSQL only: a URL whose connections use this test's schema (search_path in `options`). */
  url: string | undefined;
  /** Environment for a child `souffle` process to use this database (SOUFFLE_DB or SOUFFLE_DATABASE_URL). */
  env: Record<string, string>;
  cleanup: () => Promise<void>;
};

export type TempDbOptions = {
  /** Force an engine; default: PostgreSQL when SOUFFLE_TEST_DATABASE_URL is set, else SQLite. */
  dialect?: DialectName;
};

/** The PostgreSQL server the tests run against, or undefined (tests run on SQLite). */
export function testDatabaseUrl(): string | undefined {
  return process.env.SOUFFLE_TEST_DATABASE_URL || undefined;
}

/** A migrated database thrown away afterwards: SQLite by default, PostgreSQL in the postgres project. */
export async function tempDb(options: TempDbOptions = {}): Promise<TempDb> {
  const dir = mkdtempSync(join(tmpdir(), 'souffle-test-'));
  const dialect = options.dialect ?? (testDatabaseUrl() ? 'postgres' : 'sqlite');
  if (dialect === 'postgres') return tempPostgres(dir);
  const handle = await openDatabase(join(dir, 'souffle.db'));
  return {
    ...handle,
    dir,
    dialect,
    url: undefined,
    env: { SOUFFLE_DB: handle.path },
    cleanup: async () => {
      await handle.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Prefix of the schemas tempDb creates; the postgres project's global setup sweeps stale ones. */
export const TEST_SCHEMA_PREFIX = 'souffle_t_';

/** A schema name that sorts by creation time (seconds, base 36) and cannot collide. */
export function testSchemaName(now = Date.now()): string {
  const random = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  return `${TEST_SCHEMA_PREFIX}${Math.floor(now / 1000).toString(36)}_${random}`;
}

/** The creation time (epoch ms) encoded in a test schema's name, or undefined for other names. */
export function testSchemaCreatedAt(name: string): number | undefined {
  const m = new RegExp(`^${TEST_SCHEMA_PREFIX}([0-9a-z]+)_[0-9a-z]+$`).exec(name);
  return m ? parseInt(m[1]!, 36) * 1000 : undefined;
}

async function tempPostgres(dir: string): Promise<TempDb> {
  const server = testDatabaseUrl() ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = testSchemaName();
  // Few connections: several test files run at once against one server.
  const handle = await openPostgres(server, { schema, maxConnections: 4 }).catch(async (e: unknown) => {
    await dropPostgresSchema(server, schema).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const url = withSearchPath(server, schema);
  const sqliteOnly = (what: string) => () => {
    throw new Error(
      `tempDb().${what} is SQLite-only, and this test runs on PostgreSQL (SOUFFLE_TEST_DATABASE_URL): ` +
        `query through Kysely (sql\`...\`.execute(t.db)), use t.env / t.url, or ask for tempDb({ dialect: 'sqlite' })`,
    );
  };
  const result = {
    db: handle.db,
    dir,
    dialect: 'postgres' as const,
    url,
    // SOUFFLE_DB still places the admin token file (.admin-token beside it) in the temp folder.
    env: { SOUFFLE_DATABASE_URL: url, SOUFFLE_DB: join(dir, 'souffle.db') },
    close: handle.close,
    cleanup: async () => {
      await handle.close().catch(() => {});
      await dropPostgresSchema(server, schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  Object.defineProperty(result, 'sqlite', { get: sqliteOnly('sqlite'), enumerable: false });
  Object.defineProperty(result, 'path', { get: sqliteOnly('path'), enumerable: false });
  return result as unknown as TempDb;
}

export function tempDir(prefix = 'souffle-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
