// Firmware fidelity (issue 15, docs/ingest.md):
// - AirGradient serials as the firmware spells its topic: lowercase, no ":" or "-". A serial
//   registered as "ECDA3B1EAAB1" never matched the monitor's publishes; it does from now on
//   (a row whose normalised serial another device already holds is left for its owner to fix);
// - devices.ignored_types: the value types a device sends that are not stored (JSON array),
//   shown in its status;
// - devices.mobile: a kit whose GPS fixes are kept as its track;
// - push_outbox: airrohr pushes accepted by the API and not yet acknowledged by the broker, so
//   that an accepted push survives a broker outage and a restart of the API;
// - device_locations: the track of mobile devices (exact; the API snaps it for the public).
import { sql, type Kysely } from 'kysely';
import { columnTypes, dialectOf, tableOptions } from '../dialect.js';

/** AirGradient serials in the firmware's spelling, unless another device already holds that one. */
export async function normaliseSerials(db: Kysely<unknown>): Promise<void> {
  const normalised = sql`lower(replace(replace(serial, ':', ''), '-', ''))`;
  await sql`update devices set serial = ${normalised}
             where serial is not null and serial <> ${normalised}
               and not exists (select 1 from devices other
                                where other.serial = lower(replace(replace(devices.serial, ':', ''), '-', '')))`.execute(
    db,
  );
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const sqlite = dialectOf(db) === 'sqlite';
  await normaliseSerials(db);

  await db.schema.alterTable('devices').addColumn('ignored_types', 'text').execute();
  await db.schema
    .alterTable('devices')
    .addColumn('mobile', t.int, (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('push_outbox')
    .addColumn('id', 'integer', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', t.int64, (c) => c.notNull())
    .addColumn('attempts', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .modifyEnd(tableOptions(db))
    .execute();

  await db.schema
    .createTable('device_locations')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('time', t.int64, (c) => c.notNull())
    .addColumn('lat', t.real, (c) => c.notNull())
    .addColumn('lon', t.real, (c) => c.notNull())
    .addPrimaryKeyConstraint('device_locations_pk', ['device_id', 'time'])
    .modifyEnd(tableOptions(db, { withoutRowid: true }))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('device_locations').execute();
  await db.schema.dropTable('push_outbox').execute();
  await db.schema.alterTable('devices').dropColumn('mobile').execute();
  await db.schema.alterTable('devices').dropColumn('ignored_types').execute();
}
