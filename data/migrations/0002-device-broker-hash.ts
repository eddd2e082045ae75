// Devices keep their token's Mosquitto password hash (data/store/broker-password.ts), so that the
// broker's password file can be written from the database. Null for a device whose token was
// issued before this column: its token must be rotated before it can use Mosquitto.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').addColumn('broker_hash', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('broker_hash').execute();
}
