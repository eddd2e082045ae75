// Valid hourly means and daily values on local days (issue 13, docs/methods.md "How Souffle
// computes"). Hourly rollups gain the 5-minute slots their readings cover, and the counts of
// readings left out for their flags and of humid ones; min and max become nullable (an hour whose
// readings were all flagged has none). Daily rollups go: a daily value is a mean of valid hourly
// means over a local day, computed on read. Series say what each reading covers (AtmoSud: its hour).
//
// The old hourly rollups counted every reading and knew no slots, so they are dropped and rebuilt
// from the readings under the new rules. That rebuild may take minutes on a large database, so it
// does not run here, inside the one transaction Kysely gives all pending migrations: this queues
// every series, and data/store/rollup-rebuild.ts recomputes them one per transaction afterwards,
// resuming after a kill where it stopped.
import { sql, type Kysely } from 'kysely';
import { columnTypes, tableOptions } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.dropTable('rollups_daily').execute();
  await db.schema.dropTable('rollups_hourly').execute();
  await db.schema
    .createTable('rollups_hourly')
    .addColumn('series_id', 'integer', (c) => c.notNull().references('series.id').onDelete('cascade'))
    .addColumn('bucket', t.int64, (c) => c.notNull())
    .addColumn('n', t.int64, (c) => c.notNull())
    .addColumn('sum', t.real, (c) => c.notNull())
    .addColumn('min', t.real)
    .addColumn('max', t.real)
    .addColumn('sum_sq', t.real, (c) => c.notNull())
    .addColumn('slots', t.int, (c) => c.notNull())
    .addColumn('n_flagged', t.int, (c) => c.notNull())
    .addColumn('n_humid', t.int, (c) => c.notNull())
    .addPrimaryKeyConstraint('rollups_hourly_pk', ['series_id', 'bucket'])
    .modifyEnd(tableOptions(db, { withoutRowid: true }))
    .execute();

  await db.schema
    .alterTable('series')
    .addColumn('covers', t.int64, (c) => c.notNull().defaultTo(0))
    .execute();
  // AtmoSud's series are hourly means (ingest/atmosud/measures.ts writes them with covers too).
  await sql`update series set covers = 3600000
             where sensor = 'reference'
               and station_id in (select id from stations where source = 'atmosud')`.execute(db);

  await db.schema
    .createTable('rollup_rebuild_queue')
    .addColumn('series_id', 'integer', (c) => c.primaryKey().references('series.id').onDelete('cascade'))
    .modifyEnd(tableOptions(db))
    .execute();
  await sql`insert into rollup_rebuild_queue (series_id) select id from series`.execute(db);
}
