// The one place where SQLite and PostgreSQL differ in the DDL the migrations write. Migrations ask
// for a column kind; this answers with the type each engine needs (SQLite STRICT tables accept only
// INTEGER, REAL, TEXT, BLOB and ANY; PostgreSQL needs 64-bit integers for epoch milliseconds).
import { sql, SqliteAdapter, type RawBuilder } from 'kysely';

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
