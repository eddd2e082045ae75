// Device kinds, outbox dead letters, Home Assistant and moved sensors (issues 15 and 16):
// - devices.format accepts "json-map" (SQLite cannot change a CHECK in place: the table is
//   rebuilt as https://www.sqlite.org/lang_altertable.html section 7 says, foreign keys off so that
//   dropping the old table does not cascade to the devices' outbox rows and tracks);
// - devices.json_map: the field mapping of a json-map device (ESPHome, Tasmota, home-made MQTT
//   firmware), a JSON array of { path, phenomenon, unit } (data/json-map.ts), null otherwise;
// - push_dead_letters: pushes the outbox will never forward (their device was deleted, or the
//   broker refused them too often), with the reason, kept for the administrator to retry or
//   discard. No foreign key: a dead letter outlives the device it names;
// - stations.ha_discovery: 1 when the station is announced to Home Assistant (MQTT discovery);
// - station_locations: where a station was from each instant on, so that readings taken before
//   a move keep their place. A station without rows has only ever been where it is now.
import { sql, type Kysely } from 'kysely';
import { columnTypes, dialectOf, tableOptions } from '../dialect.js';

// The formats at the time of this migration (data/schema.ts DEVICE_FORMATS may grow later).
const BEFORE = ['native', 'airgradient', 'airrohr'] as const;
const AFTER = ['native', 'airgradient', 'airrohr', 'json-map'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const sqlite = dialectOf(db) === 'sqlite';
  await db.schema.alterTable('devices').addColumn('json_map', 'text').execute();
  await setFormatCheck(db, AFTER);

  await db.schema
    .createTable('push_dead_letters')
    .addColumn('id', 'integer', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', t.int64, (c) => c.notNull())
    .addColumn('attempts', t.int, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('dead_at', t.int64, (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();

  await db.schema
    .alterTable('stations')
    .addColumn('ha_discovery', t.int, (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('station_locations')
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id').onDelete('cascade'))
    .addColumn('valid_from', t.int64, (c) => c.notNull())
    .addColumn('lat', t.real, (c) => c.notNull())
    .addColumn('lon', t.real, (c) => c.notNull())
    .addColumn('public_lat', t.real, (c) => c.notNull())
    .addColumn('public_lon', t.real, (c) => c.notNull())
    .addPrimaryKeyConstraint('station_locations_pk', ['station_id', 'valid_from'])
    .modifyEnd(tableOptions(db, { withoutRowid: true }))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('station_locations').execute();
  await db.schema.alterTable('stations').dropColumn('ha_discovery').execute();
  await db.schema.dropTable('push_dead_letters').execute();
  await sql`delete from devices where format = 'json-map'`.execute(db);
  await setFormatCheck(db, BEFORE);
  await db.schema.alterTable('devices').dropColumn('json_map').execute();
}

const checkClause = (values: readonly string[]) =>
  `check (format in (${values.map((v) => `'${v}'`).join(', ')}))`;

async function setFormatCheck(db: Kysely<unknown>, values: readonly string[]): Promise<void> {
  if (dialectOf(db) === 'sqlite') return rebuildSqliteDevices(db, checkClause(values));
  const { rows } = await sql<{ conname: string }>`
    select conname from pg_constraint
     where conrelid = 'devices'::regclass and contype = 'c'
       and pg_get_constraintdef(oid) like '%format%'`.execute(db);
  for (const r of rows) await sql`alter table devices drop constraint ${sql.ref(r.conname)}`.execute(db);
  await sql`alter table devices add constraint devices_format_check ${sql.raw(checkClause(values))}`.execute(
    db,
  );
}

/** Same CREATE statement but the format CHECK, rows copied, indexes recreated. */
async function rebuildSqliteDevices(db: Kysely<unknown>, check: string): Promise<void> {
  const { rows: schema } = await sql<{ type: string; name: string; sql: string | null }>`
    select type, name, sql from sqlite_master where tbl_name = 'devices'`.execute(db);
  const table = schema.find((r) => r.type === 'table')?.sql;
  if (!table) throw new Error('migration 0010: table "devices" not found');
  const pattern = /check\s*\(\s*"?format"?\s+in\s*\([^)]*\)\s*\)/gi;
  if ((table.match(pattern) ?? []).length !== 1) {
    throw new Error(`migration 0010: expected one CHECK on devices.format in: ${table}`);
  }
  const created = table
    .replace(pattern, check)
    .replace(/^create table\s+("devices"|devices)/i, 'create table "devices_0010"');
  const others = schema.filter((r) => r.type !== 'table' && r.sql !== null).map((r) => r.sql as string);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    if (rows[0]?.foreign_keys !== 0) {
      throw new Error('migration 0010: foreign keys could not be turned off (inside a transaction?)');
    }
    await db.transaction().execute(async (trx) => {
      await sql.raw(created).execute(trx);
      await sql`insert into devices_0010 select * from devices`.execute(trx);
      await sql`drop table devices`.execute(trx);
      await sql`alter table devices_0010 rename to devices`.execute(trx);
      for (const statement of others) await sql.raw(statement).execute(trx);
      const { rows: broken } = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.length > 0)
        throw new Error(`migration 0010: ${broken.length} foreign key(s) broken by the rebuild`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
