// Citizen enrolment (issue 16): the codes an administrator hands out so that citizens register
// their own sensors at /join, and, on each device, the code it came with and when its owner
// accepted the data licence. A code is kept only as its SHA-256: it is 128 random bits, so a
// plain digest cannot be reversed or guessed, and a lookup by digest needs no scan.
import type { Kysely } from 'kysely';
import { columnTypes, tableOptions } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('enrolment_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text')
    .addColumn('uses_allowed', t.int, (c) => c.notNull())
    .addColumn('uses', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', t.int64)
    .addColumn('revoked_at', t.int64)
    .addColumn('created_at', t.int64, (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.alterTable('devices').addColumn('enrolment_code_id', 'text').execute();
  await db.schema.alterTable('devices').addColumn('licence_accepted_at', t.int64).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('licence_accepted_at').execute();
  await db.schema.alterTable('devices').dropColumn('enrolment_code_id').execute();
  await db.schema.dropTable('enrolment_codes').execute();
}
