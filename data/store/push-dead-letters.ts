// Pushes the outbox (api/push-outbox.ts) gave up on: their device was deleted before they were
// forwarded, or the broker refused them too many times. Each keeps its payload and the reason, so
// an accepted push is never dropped without a trace: the administrator sees them (admin API,
// /metrics), sends one back to the outbox once the cause is fixed, or discards it.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type DeadLetter = {
  id: number;
  deviceId: string;
  topic: string;
  payload: string;
  receivedAt: number;
  attempts: number;
  reason: string;
  deadAt: number;
};

/** Moves outbox rows (all of a device's, or one by id) to the dead letters with `reason`. */
export async function buryOutboxRows(
  db: Db,
  which: { deviceId: string } | { id: number },
  reason: string,
  now: number,
): Promise<number> {
  const select = db
    .selectFrom('push_outbox')
    .select(['id', 'device_id', 'topic', 'payload', 'received_at', 'attempts'])
    .where('deviceId' in which ? 'device_id' : 'id', '=', 'deviceId' in which ? which.deviceId : which.id);
  const rows = await select.execute();
  if (rows.length === 0) return 0;
  await db
    .insertInto('push_dead_letters')
    .values(
      rows.map((r) => ({
        device_id: r.device_id,
        topic: r.topic,
        payload: r.payload,
        received_at: r.received_at,
        attempts: r.attempts,
        reason: reason.slice(0, 500),
        dead_at: now,
      })),
    )
    .execute();
  await db
    .deleteFrom('push_outbox')
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.length;
}

/** A letter as the admin API and `souffle outbox --json` show it. */
export function deadLetterSummary(d: DeadLetter) {
  return {
    id: d.id,
    device: d.deviceId,
    topic: d.topic,
    payload: d.payload,
    receivedAt: new Date(d.receivedAt).toISOString(),
    attempts: d.attempts,
    reason: d.reason,
    deadAt: new Date(d.deadAt).toISOString(),
  };
}

/** Dead letters, oldest first, at most `limit`. */
export async function listDeadLetters(db: Db, limit = 100): Promise<DeadLetter[]> {
  const rows = await db.selectFrom('push_dead_letters').selectAll().orderBy('id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    deviceId: r.device_id,
    topic: r.topic,
    payload: r.payload,
    receivedAt: r.received_at,
    attempts: r.attempts,
    reason: r.reason,
    deadAt: r.dead_at,
  }));
}

export async function countDeadLetters(db: Db): Promise<number> {
  const row = await db
    .selectFrom('push_dead_letters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type RetryResult = 'retried' | 'not_found' | 'device_gone';

/**
 * Puts a dead letter back in the outbox (attempts from zero) when its device still exists; a
 * letter of a deleted device cannot be stored by the worker, so it stays where it is.
 */
export async function retryDeadLetter(db: Kysely<Database>, id: number): Promise<RetryResult> {
  return db.transaction().execute(async (trx) => {
    const letter = await trx
      .selectFrom('push_dead_letters')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!letter) return 'not_found';
    const device = await trx
      .selectFrom('devices')
      .select('id')
      .where('id', '=', letter.device_id)
      .executeTakeFirst();
    if (!device) return 'device_gone';
    await trx
      .insertInto('push_outbox')
      .values({
        device_id: letter.device_id,
        topic: letter.topic,
        payload: letter.payload,
        received_at: letter.received_at,
      })
      .execute();
    await trx.deleteFrom('push_dead_letters').where('id', '=', id).execute();
    return 'retried';
  });
}

/** Deletes a dead letter for good; false when there was none. */
export async function discardDeadLetter(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('push_dead_letters').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
