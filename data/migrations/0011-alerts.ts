// Alerts (issue 16): rules that watch a device (offline, stuck, rejections) for its owner or a
// station or commune (PM2.5, official index, tomorrow's forecast) for anyone, each with one
// channel (e-mail or webhook); and alert_deliveries, at once the outbox the ingest process sends
// from (retried with back-off, across restarts) and the history of what was sent per rule.
// The rule's episode state is stored beside it and changed in the transaction that queues the
// notice, so a restart neither loses nor repeats a notice.
import type { Kysely } from 'kysely';
import { columnTypes, dialectOf, tableOptions } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const sqlite = dialectOf(db) === 'sqlite';
  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('station_id', 'text')
    .addColumn('commune', 'text')
    .addColumn('threshold', t.real)
    .addColumn('clear_below', t.real)
    .addColumn('window_ms', t.int64)
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('confirm_hash', 'text')
    .addColumn('confirmed_at', t.int64)
    .addColumn('unsubscribe_token', 'text', (c) => c.notNull().unique())
    .addColumn('active', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('episode_started_at', t.int64)
    .addColumn('last_value', t.real)
    .addColumn('checked_at', t.int64)
    .addColumn('created_at', t.int64, (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('alert_rules_device').on('alert_rules').column('device_id').execute();
  await db.schema.createIndex('alert_rules_station').on('alert_rules').column('station_id').execute();
  await db.schema.createIndex('alert_rules_confirm').on('alert_rules').column('confirm_hash').execute();
  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', 'integer', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.int64, (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.int64, (c) => c.notNull())
    .addColumn('sent_at', t.int64)
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema
    .createIndex('alert_deliveries_due')
    .on('alert_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('alert_deliveries_rule')
    .on('alert_deliveries')
    .columns(['rule_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alert_deliveries').execute();
  await db.schema.dropTable('alert_rules').execute();
}
