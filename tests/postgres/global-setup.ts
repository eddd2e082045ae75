// Global setup of the `postgres` vitest project: fails the run at once, with what to do, when the
// server is unreachable (CI requires it), and drops test schemas that killed runs left behind.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { TEST_SCHEMA_PREFIX, testSchemaCreatedAt } from '../helpers/temp-db.js';

/** Older than this, a test schema belongs to a run that died before its cleanup. */
const STALE_MS = 2 * 3_600_000;

export async function setup(project: TestProject): Promise<void> {
  // Runs in vitest's main process, where the project's `env` is not applied: read it from there.
  const url = project.config.env.SOUFFLE_TEST_DATABASE_URL as string | undefined;
  if (!url) throw new Error('the postgres test project needs SOUFFLE_TEST_DATABASE_URL (vitest.config.ts)');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new Error(
      `PostgreSQL for the test suite is unreachable at ${redact(url)} (${(e as Error).message}). ` +
        'Start it (docs/postgres.md, "Running the tests"), point SOUFFLE_TEST_POSTGRES at another ' +
        'server, or set SOUFFLE_TEST_POSTGRES=skip to run the SQLite project only.',
      { cause: e },
    );
  }
  try {
    const { rows } = await client.query<{ name: string }>(
      'select nspname as name from pg_namespace where nspname like $1',
      [`${TEST_SCHEMA_PREFIX}%`],
    );
    for (const { name } of rows) {
      const created = testSchemaCreatedAt(name);
      if (created !== undefined && Date.now() - created > STALE_MS) {
        await client.query(`drop schema if exists ${name} cascade`);
      }
    }
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
