// Copies one Souffle database into another: an existing SQLite file into PostgreSQL, or back. Both
// must be migrated to the same schema (opening them does that). Every table is read in key order,
// one page at a time (keyset paging: constant memory, no long read transaction), and each page is
// inserted with ON CONFLICT DO NOTHING in one target transaction together with the table's cursor
// (the last key copied). An interrupted copy therefore resumes after its last committed page, and
// a copy run again over a complete one inserts nothing. Counts are compared at the end.
import { sql, type Kysely, type Transaction } from 'kysely';
import { columnTypes, maxBindParameters, resetIdentity, tableOptions } from './dialect.js';
import type { Database } from './schema.js';

type TableName = keyof Database;
export type CopyTable = {
  table: TableName;
  /** The primary key, in the order rows are paged by. */
  key: readonly string[];
  /** A generated id column whose sequence must follow the copied ids (PostgreSQL). */
  identity?: string;
};

/** Every table, parents before children (foreign keys), with its key. */
export const COPY_TABLES: readonly CopyTable[] = [
  { table: 'stations', key: ['id'] },
  { table: 'devices', key: ['id'] },
  { table: 'series', key: ['id'], identity: 'id' },
  { table: 'readings', key: ['series_id', 'time'] },
  { table: 'rollups_hourly', key: ['series_id', 'bucket'] },
  { table: 'ingest_errors', key: ['id'], identity: 'id' },
  { table: 'pull_cursors', key: ['source', 'key'] },
  { table: 'commune_indices', key: ['insee', 'date'] },
  { table: 'counters', key: ['name', 'labels'] },
  { table: 'enrolment_codes', key: ['id'] },
  { table: 'push_outbox', key: ['id'], identity: 'id' },
  { table: 'device_locations', key: ['device_id', 'time'] },
  { table: 'calibrations', key: ['id'], identity: 'id' },
  { table: 'push_dead_letters', key: ['id'], identity: 'id' },
  { table: 'station_locations', key: ['station_id', 'valid_from'] },
  { table: 'alert_rules', key: ['id'] },
  { table: 'alert_deliveries', key: ['id'], identity: 'id' },
];

/** Where the target keeps per-table cursors while a copy is unfinished; dropped once verified. */
export const PROGRESS_TABLE = 'souffle_copy_progress';

export type CopyProgress = {
  table: TableName;
  /** Source rows read so far, this run and the runs it resumes. */
  scanned: number;
  /** Rows this run inserted into the target. */
  inserted: number;
  /** Rows of the table in the source. */
  total: number;
  /** Why the table was not scanned ("already copied"), or undefined. */
  skipped?: string;
  done: boolean;
};

export type TableSummary = {
  table: TableName;
  source: number;
  target: number;
  /** Rows inserted by this run. */
  copied: number;
  skipped: boolean;
  resumed: boolean;
};

export type CopySummary = { tables: TableSummary[]; mismatches: TableName[] };

export type CopyOptions = {
  /** Rows read per page (each page is one target transaction). */
  batchRows?: number;
  /** Names the source in the cursors: a cursor left by another source is not resumed from. */
  sourceName?: string;
  onProgress?: (progress: CopyProgress) => void;
  /** Stops after the page being copied commits; run again to resume. */
  signal?: AbortSignal;
};

const defaults = { batchRows: 5000, sourceName: 'source' };

type Row = Record<string, unknown>;
type Progress = { table_name: string; source: string; last_key: string; scanned: number };
// Tables are chosen at run time: the copy addresses them by name, not through the typed schema.
type AnyDb = Kysely<Record<string, Row>>;
type AnyTrx = Transaction<Record<string, Row>>;

/** Copies every table of `from` into `to`, then counts both sides. */
export async function copyDatabase(
  from: Kysely<Database>,
  to: Kysely<Database>,
  options: CopyOptions = {},
): Promise<CopySummary> {
  const opts = { ...defaults, ...options };
  if (!Number.isInteger(opts.batchRows) || opts.batchRows < 1) {
    throw new RangeError(`batch of ${opts.batchRows} rows: must be a positive integer`);
  }
  const src = from as unknown as AnyDb;
  const dst = to as unknown as AnyDb;
  await createProgressTable(to);
  const tables: TableSummary[] = [];
  for (const spec of COPY_TABLES) {
    tables.push(await copyTable(src, dst, spec, opts));
    if (spec.identity) await resetIdentity(to, spec.table, spec.identity);
  }
  const mismatches: TableName[] = [];
  for (const t of tables) {
    t.source = await countRows(src, t.table);
    t.target = await countRows(dst, t.table);
    if (t.source !== t.target) mismatches.push(t.table);
  }
  const left = await dst.selectFrom(PROGRESS_TABLE).select('table_name').execute();
  if (left.length === 0) await to.schema.dropTable(PROGRESS_TABLE).ifExists().execute();
  return { tables, mismatches };
}

async function copyTable(
  src: AnyDb,
  dst: AnyDb,
  { table, key }: CopyTable,
  opts: typeof defaults & CopyOptions,
): Promise<TableSummary> {
  const total = await countRows(src, table);
  const summary: TableSummary = {
    table,
    source: total,
    target: 0,
    copied: 0,
    skipped: false,
    resumed: false,
  };
  const progress = (await dst
    .selectFrom(PROGRESS_TABLE)
    .selectAll()
    .where('table_name', '=', table)
    .executeTakeFirst()) as Progress | undefined;
  let lastKey: unknown[] | undefined;
  let scanned = 0;
  if (progress && progress.source === opts.sourceName) {
    lastKey = JSON.parse(progress.last_key) as unknown[];
    scanned = progress.scanned;
    summary.resumed = true;
  } else if ((await countRows(dst, table)) === total) {
    // Copied by an earlier run (or both empty). Rows added to the source since then change the
    // count, and the table is then scanned again: DO NOTHING keeps what is already there.
    summary.skipped = true;
    opts.onProgress?.({ table, scanned: total, inserted: 0, total, skipped: 'already copied', done: true });
    return summary;
  }
  for (;;) {
    let query = src.selectFrom(table).selectAll();
    if (lastKey) query = query.where(sql<boolean>`(${keyRefs(key)}) > (${sql.join(lastKey)})`);
    for (const k of key) query = query.orderBy(k);
    const rows = await query.limit(opts.batchRows).execute();
    if (rows.length === 0) break;
    const last = rows.at(-1)!;
    lastKey = key.map((k) => last[k]);
    scanned += rows.length;
    const cursor = { table_name: table, source: opts.sourceName, last_key: JSON.stringify(lastKey), scanned };
    summary.copied += await dst.transaction().execute(async (trx) => {
      const inserted = await insertRows(trx, table, rows);
      await trx
        .insertInto(PROGRESS_TABLE)
        .values({ ...cursor, updated_at: Date.now() })
        .onConflict((oc) => oc.column('table_name').doUpdateSet({ ...cursor, updated_at: Date.now() }))
        .execute();
      return inserted;
    });
    opts.onProgress?.({ table, scanned, inserted: summary.copied, total, done: false });
    if (opts.signal?.aborted) {
      throw new Error(`copy interrupted after ${scanned} rows of ${table}: run it again to resume`, {
        cause: opts.signal.reason,
      });
    }
  }
  await dst.deleteFrom(PROGRESS_TABLE).where('table_name', '=', table).execute();
  opts.onProgress?.({ table, scanned, inserted: summary.copied, total, done: true });
  return summary;
}

/** Inserts a page, in statements that stay within the target's bound-parameter limit. */
async function insertRows(trx: AnyTrx, table: string, rows: Row[]): Promise<number> {
  const columns = Object.keys(rows[0]!).length;
  const perStatement = Math.max(1, Math.floor(maxBindParameters(trx) / columns));
  let inserted = 0;
  for (let i = 0; i < rows.length; i += perStatement) {
    const result = await trx
      .insertInto(table)
      .values(rows.slice(i, i + perStatement))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

export async function countRows(db: Kysely<Database> | AnyDb, table: TableName): Promise<number> {
  const row = await (db as AnyDb)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function keyRefs(key: readonly string[]) {
  return sql.join(key.map((k) => sql.ref(k)));
}

async function createProgressTable(db: Kysely<Database>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable(PROGRESS_TABLE)
    .ifNotExists()
    .addColumn('table_name', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('last_key', 'text', (c) => c.notNull())
    .addColumn('scanned', t.int64, (c) => c.notNull())
    .addColumn('updated_at', t.int64, (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
}
