// The one place where SQLite and PostgreSQL differ: column types and table options for the DDL the
// migrations write (SQLite STRICT tables accept only INTEGER, REAL, TEXT, BLOB and ANY; PostgreSQL
// needs 64-bit integers for epoch milliseconds), and the few functions and limits that differ.
import { sql, SqliteAdapter, type QueryExecutorProvider, type RawBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** Any Kysely instance or transaction, whatever its database type. */
type AnyDb = { getExecutor(): { readonly adapter: unknown } };

export function dialectOf(db: AnyDb): DialectName {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}

export function columnTypes(db: AnyDb) {
  const sqlite = dialectOf(db) === 'sqlite';
  return {
    /** Epoch milliseconds and counters. */
    int64: sqlite ? 'integer' : 'bigint',
    int: 'integer',
    real: sqlite ? 'real' : 'double precision',
    text: 'text',
  } as const;
}

/** Table options appended after the column list: STRICT on SQLite (types enforced), nothing on PG. */
export function tableOptions(db: AnyDb, opts: { withoutRowid?: boolean } = {}): RawBuilder<unknown> {
  if (dialectOf(db) !== 'sqlite') return sql``;
  return opts.withoutRowid ? sql`without rowid, strict` : sql`strict`;
}

/** The smaller / larger of two values: SQLite's scalar min()/max(), PostgreSQL's least()/greatest(). */
export function scalarMinMax(db: AnyDb): { min: string; max: string } {
  return dialectOf(db) === 'sqlite' ? { min: 'min', max: 'max' } : { min: 'least', max: 'greatest' };
}

/**
 * Bound parameters one statement may carry: SQLite's SQLITE_MAX_VARIABLE_NUMBER (32766 since
 * 3.32), PostgreSQL's protocol limit (an Int16 count: 65535). Batch inserts size themselves by it.
 */
export function maxBindParameters(db: AnyDb): number {
  return dialectOf(db) === 'sqlite' ? 32_766 : 65_535;
}

/**
 * After rows were inserted with explicit ids, makes the next generated id follow the largest one.
 * PostgreSQL identity columns keep a sequence that explicit ids do not advance; SQLite's
 * AUTOINCREMENT already tracks the largest id ever inserted (sqlite_sequence), so nothing to do.
 */
export async function resetIdentity(db: QueryExecutorProvider, table: string, column: string): Promise<void> {
  if (dialectOf(db) === 'sqlite') return;
  await sql`select setval(pg_get_serial_sequence(${table}, ${column}),
                          coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1,
                          false)`.execute(db);
}
