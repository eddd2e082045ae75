// Stations imported from the open citizen networks (issue 15, docs/ingest.md "Imported networks"):
// stations.source accepts "sensor.community" and "opensensemap" besides "citizen" and "atmosud",
// so that an imported kit is never taken for one of Souffle's own devices.
//
// PostgreSQL changes a CHECK in place. SQLite cannot (https://www.sqlite.org/lang_altertable.html,
// section 7, "Making Other Kinds Of Table Schema Changes"): the table is rebuilt from its own
// CREATE statement with the new CHECK, following that page's steps, with foreign keys off so that
// dropping the old table does not cascade to devices, series and readings (SQLite runs an implicit
// DELETE on DROP TABLE, and ON DELETE CASCADE would fire). Kysely runs SQLite migrations outside a
// transaction, which is what lets the pragma take effect; the rebuild itself is one transaction.
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// The values at the time of this migration (data/schema.ts STATION_SOURCES may grow later).
const BEFORE = ['citizen', 'atmosud'] as const;
const AFTER = ['citizen', 'atmosud', 'sensor.community', 'opensensemap'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await setSourceCheck(db, AFTER);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const imported = AFTER.filter((s) => !(BEFORE as readonly string[]).includes(s));
  await sql`delete from stations where source in (${sql.join(imported)})`.execute(db);
  await setSourceCheck(db, BEFORE);
}

const checkClause = (values: readonly string[]) =>
  `check (source in (${values.map((v) => `'${v}'`).join(', ')}))`;

async function setSourceCheck(db: Kysely<unknown>, values: readonly string[]): Promise<void> {
  if (dialectOf(db) === 'sqlite') return rebuildSqliteStations(db, checkClause(values));
  const { rows } = await sql<{ conname: string }>`
    select conname from pg_constraint
     where conrelid = 'stations'::regclass and contype = 'c'
       and pg_get_constraintdef(oid) like '%source%'`.execute(db);
  for (const r of rows) await sql`alter table stations drop constraint ${sql.ref(r.conname)}`.execute(db);
  await sql`alter table stations add constraint stations_source_check ${sql.raw(checkClause(values))}`.execute(
    db,
  );
}

/** The SQLite rebuild: same CREATE statement but the source CHECK, rows copied, indexes recreated. */
async function rebuildSqliteStations(db: Kysely<unknown>, check: string): Promise<void> {
  const { rows: schema } = await sql<{ type: string; name: string; sql: string | null }>`
    select type, name, sql from sqlite_master where tbl_name = 'stations'`.execute(db);
  const table = schema.find((r) => r.type === 'table')?.sql;
  if (!table) throw new Error('migration 0009: table "stations" not found');
  const pattern = /check\s*\(\s*"?source"?\s+in\s*\([^)]*\)\s*\)/gi;
  if ((table.match(pattern) ?? []).length !== 1) {
    throw new Error(`migration 0009: expected one CHECK on stations.source in: ${table}`);
  }
  const created = table
    .replace(pattern, check)
    .replace(/^create table\s+("stations"|stations)/i, 'create table "stations_0009"');
  // Indexes and triggers on the old table go with it; their statements recreate them afterwards.
  const others = schema.filter((r) => r.type !== 'table' && r.sql !== null).map((r) => r.sql as string);

  await sql`pragma foreign_keys = off`.execute(db);
  try {
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    if (rows[0]?.foreign_keys !== 0) {
      throw new Error('migration 0009: foreign keys could not be turned off (inside a transaction?)');
    }
    await db.transaction().execute(async (trx) => {
      await sql.raw(created).execute(trx);
      await sql`insert into stations_0009 select * from stations`.execute(trx);
      await sql`drop table stations`.execute(trx);
      await sql`alter table stations_0009 rename to stations`.execute(trx);
      for (const statement of others) await sql.raw(statement).execute(trx);
      const { rows: broken } = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.length > 0) {
        throw new Error(`migration 0009: ${broken.length} foreign key(s) broken by the rebuild`);
      }
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
