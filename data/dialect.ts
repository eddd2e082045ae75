// The one place where SQLite and PostgreSQL differ in the DDL the migrations write. Migrations ask
// for a column kind; this answers with the type each engine needs (SQLite STRICT tables accept only
// INTEGER, REAL, TEXT, BLOB and ANY; PostgreSQL needs 64-bit integers for epoch milliseconds).
import { sql, SqliteAdapter, type Kysely, type RawBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export function dialectOf(db: Kysely<unknown>): DialectName {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}

export function columnTypes(db: Kysely<unknown>) {
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
export function tableOptions(
  db: Kysely<unknown>,
  opts: { withoutRowid?: boolean } = {},
): RawBuilder<unknown> {
  if (dialectOf(db) !== 'sqlite') return sql``;
  return opts.withoutRowid ? sql`without rowid, strict` : sql`strict`;
}
