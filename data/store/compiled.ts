// Hot-path queries compiled once. Kysely builds and compiles a query tree on every call (tens of
// microseconds); the ingest path runs the same few statements thousands of times per second with
// only the parameters changing. This keeps the SQL Kysely generated and reuses it.
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import { dialectOf } from '../dialect.js';
import type { Database } from '../schema.js';

const compiled = new Map<string, { sql: string; parameterCount: number }>();

/**
 * Runs the query `build()` describes with `parameters` in place of the ones it was built with.
 * `key` must identify the query's shape (same SQL, same number of parameters); `build` is called
 * once per key and per process.
 */
export async function executeCompiled<R>(
  db: Kysely<Database>,
  key: string,
  build: () => Compilable,
  parameters: readonly unknown[],
): Promise<R[]> {
  return (await executeCompiledQuery<R>(db, key, build, parameters)).rows;
}

/** As executeCompiled, for a statement without RETURNING: the number of rows it changed. */
export async function executeCompiledCount(
  db: Kysely<Database>,
  key: string,
  build: () => Compilable,
  parameters: readonly unknown[],
): Promise<number> {
  return Number((await executeCompiledQuery(db, key, build, parameters)).numAffectedRows ?? 0);
}

async function executeCompiledQuery<R>(
  db: Kysely<Database>,
  key: string,
  build: () => Compilable,
  parameters: readonly unknown[],
): Promise<QueryResult<R>> {
  // The SQL differs per dialect (placeholders, functions): key by dialect too.
  const fullKey = `${dialectOf(db)}:${key}`;
  let entry = compiled.get(fullKey);
  if (!entry) {
    const query = build().compile();
    entry = { sql: query.sql, parameterCount: query.parameters.length };
    compiled.set(fullKey, entry);
  }
  if (parameters.length !== entry.parameterCount) {
    throw new Error(
      `compiled query "${key}" takes ${entry.parameterCount} parameters, got ${parameters.length}`,
    );
  }
  return db.executeQuery<R>(CompiledQuery.raw(entry.sql, [...parameters]));
}
